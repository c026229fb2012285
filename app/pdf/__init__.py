"""PDF output shared by every capability (no Qt): the bundled fonts registered once with reportlab
(:mod:`app.pdf.fonts`), text on a canvas with the CJK/Latin font switch (:mod:`app.pdf.text`) and a report
document with a cover, a table of contents, headings, tables, charts and page numbers (:mod:`app.pdf.document`)."""
