"""Views that explain what the network is doing, one idea per view."""
