"""Render: show pipeline values as JSON documents, in the terminal (rich) and as HTML."""
