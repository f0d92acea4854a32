"""Identity providers Inning signs people in with to prove who they are (not API access)."""
