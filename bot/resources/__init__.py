"""Resources: the shared repertoire and its search."""
