"""The static site (see kb.site.build: ``write_site(kb, folder)``)."""
