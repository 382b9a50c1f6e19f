"""Extraction: one fetched page → clean body text, 政务公开 metadata, attachment links.

extractor.py (the stage: parse, find the body, lines), boilerplate.py (page chrome removed by
where it is), metadata.py (索引号, 发布机构, 成文日期, … from labels and meta tags), and
attachments/ (text out of PDF, DOCX, XLSX and text files, one module per format).
"""
