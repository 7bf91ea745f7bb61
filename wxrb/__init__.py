"""The wxrb pipeline's runtime: configuration, database, jobs and the ``wxrb`` command."""
