"""pipeline: government report web pages → intermediate XML, DOCX, PDF and plain text."""

__version__ = "0.1.0"
