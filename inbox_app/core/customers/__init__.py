"""Customers and their identities: finding, creating, merging and unmerging them."""
