"""Application logic: jobs, journal, engine, library, thumbnails. No Qt here."""
