"""Templates shipped with the package: the reference document the DOCX writer starts from."""
