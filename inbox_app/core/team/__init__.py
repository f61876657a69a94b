"""Team mode on PostgreSQL: the database roles, the rights each role has, the row rules and the words for what the database refused."""
