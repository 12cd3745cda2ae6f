"""The one exception type the command line turns into a one-line message and exit code 2."""


class KBError(Exception):
    """Bad input or a request that cannot be answered; the message is shown to the user as is."""
