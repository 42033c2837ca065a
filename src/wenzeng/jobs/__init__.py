"""Background jobs: the queue libraries (procrastinate on PostgreSQL, huey beside a SQLite
store) behind one small port, and the worker that runs WenZeng's jobs from them.

The libraries only carry "run WenZeng job <id>"; the job itself (what to do, its progress,
its end) is WenZeng's own record, kept in the store by ``services.jobs``.  Only this package
imports the libraries."""
