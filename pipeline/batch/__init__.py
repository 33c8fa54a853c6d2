"""Batch conversion: many inputs (folders, zip, WARC, MHTML) → a mirrored output tree.

- ``sources``: streams the documents of the inputs, in a deterministic order;
- ``runner``: converts them on a pool of worker processes (or a Dask cluster) and writes
  the outputs, the manifest and the reports;
- ``manifest``: what was converted from which bytes with which settings (for ``--resume``
  and ``pipeline check``);
- ``report``: the report JSON, JUnit XML and ``index.html`` a CI job publishes.
"""
