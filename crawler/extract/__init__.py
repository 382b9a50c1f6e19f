"""Extraction: one fetched page → its document as published: body text, 政务公开 metadata,
editorial credits, attachment links and body images.

extractor.py (the stage: parse, find the body, lines), body.py (where the document is),
lines.py (elements as text lines), boilerplate.py (page chrome removed by where it is),
metadata.py (索引号, 发布机构, 成文日期, … from labels and meta tags), titles.py (the title as
published), credits.py (责任编辑, 审核, 作者 … into metadata), images.py (the body's images), and
attachments/ (text out of PDF, DOCX, XLSX and text files, one module per format; images measured).
"""
