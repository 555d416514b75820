"""The web front: a directory of communities, a page per community and a coordinator's
dashboard, served by copbot's HTTP server (see ``routes.web_routes``)."""
