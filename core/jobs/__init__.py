"""Long work (imports, draws, bulk invitations) as job rows: ``runner`` claims and runs them,
``kinds`` is what a feature declares for each kind of job, ``views`` the one page that shows
any job's progress."""
