"""Azure SDK management clients through the OS broker, as their READMEs use them: the tenants
of the signed-in account, each tenant's subscriptions and each subscription's storage accounts.
Needs `pip install azure-mgmt-resource-subscriptions azure-mgmt-storage`. Run it in the
sandbox:

    python -m app.sandbox --storage --pick nestor@contoso.example -- \
        python examples/list_subscriptions.py
"""

import os

from azure.core.exceptions import HttpResponseError
from azure.identity.broker import InteractiveBrowserBrokerCredential
from azure.mgmt.resource.subscriptions import SubscriptionClient
from azure.mgmt.storage import StorageManagementClient

current_window_handle = int(os.environ.get("PARENT_WINDOW_HANDLE", "1"))

credential = InteractiveBrowserBrokerCredential(parent_window_handle=current_window_handle)
for tenant in SubscriptionClient(credential).tenants.list():
    print(f"tenant {tenant.tenant_id} {tenant.display_name} {tenant.default_domain}")
    in_tenant = InteractiveBrowserBrokerCredential(
        parent_window_handle=current_window_handle, tenant_id=tenant.tenant_id
    )
    try:
        subscriptions = list(SubscriptionClient(in_tenant).subscriptions.list())
    except HttpResponseError as error:
        print(f"  {error.error.code if error.error else error.status_code}")
        continue
    for subscription in subscriptions:
        print(
            f"  subscription {subscription.subscription_id} {subscription.display_name} "
            f"{subscription.state}"
        )
        storage = StorageManagementClient(in_tenant, subscription.subscription_id)
        try:
            for account in storage.storage_accounts.list():
                print(f"    storage {account.name} {account.primary_endpoints.blob}")
        except HttpResponseError as error:
            print(f"    {error.error.code if error.error else error.status_code}")
