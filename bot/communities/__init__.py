"""Communities: discover, create, edit, archive, coordinate, join and leave."""
