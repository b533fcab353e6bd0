"""Exception types that the CLI turns into one-line messages and exit codes."""


class HeritageKGError(Exception):
    """Base class. ``exit_code`` follows the CLI contract: 1 for data or query failures."""

    exit_code = 1


class UsageError(HeritageKGError):
    """A bad argument, path or parameter given by the user (exit 2)."""

    exit_code = 2


class DataError(HeritageKGError):
    """The data cannot be read: a missing file, a syntax error, a file that is not RDF."""


class QueryError(HeritageKGError):
    """A query that cannot be parsed or evaluated."""


class EndpointError(HeritageKGError):
    """A remote SPARQL endpoint that cannot be reached, times out or answers an error."""
