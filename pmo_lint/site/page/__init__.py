"""One module per section of the site; each renders pages (path -> Markdown) from the portfolio view."""
