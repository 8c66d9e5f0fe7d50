"""The headless commands: --list-accounts, --matrix, token. Their exit statuses are here, so
that --help can name them without importing the commands."""

# Exit statuses, for every command (README "Other commands" lists them).
OK = 0  # all well
FAILED = 1  # an expectation was not met, an account was missing, or the broker failed
BAD_INPUT = 2  # a mistake on the command line or in a file: said where
NO_BROKER = 3  # the broker cannot be used on this machine, or not in this session
NEEDS_INTERACTION = 4  # the account must sign in (consent, MFA, claims)
NOT_USABLE = 5  # not usable under this configuration
BLOCKED = 6  # a policy or an administrator stands in the way
NOT_WRITTEN = 7  # a report (--out, --junit) could not be written: said why

EXIT_STATUSES = (
    "exit status: 0 all well; 1 an expectation not met, a missing account or a broker "
    "failure; 2 bad input; 3 no broker on this machine (or none this session can use); 4 "
    "needs interaction; 5 not usable here; 6 blocked by policy; 7 a report could not be written"
)
