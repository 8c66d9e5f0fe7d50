"""The azure-identity-broker README example: sign in through the OS broker, then list the blob
containers of a storage account. Unchanged from the README except where the window handle and
the account URL come from (here: arguments or the environment). Run it in the sandbox:

    python -m app.sandbox --storage --pick adele@contoso.example -- \
        python examples/list_containers.py
"""

import os
import sys

from azure.identity.broker import InteractiveBrowserBrokerCredential
from azure.storage.blob import BlobServiceClient

# On Windows, the handle of your app's window; on Linux any window (X11) id the broker can
# parent its dialog to.
current_window_handle = int(os.environ.get("PARENT_WINDOW_HANDLE", "1"))
account_url = sys.argv[1] if len(sys.argv) > 1 else os.environ["AZURE_STORAGE_ACCOUNT_URL"]

credential = InteractiveBrowserBrokerCredential(parent_window_handle=current_window_handle)
client = BlobServiceClient(account_url, credential=credential)

for container in client.list_containers():
    print(container.name)
