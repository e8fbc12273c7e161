"""One module per sheet; each has `write(sheet, layout, ...)` and writes its sheet top to bottom."""
