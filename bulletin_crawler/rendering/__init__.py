"""Pages whose links or text are written by JavaScript: a site's ``render: browser`` sends them
through the distribution's Chromium (scrapy-playwright), ``render: splash`` through an operator's
Splash (its HTTP API). Only the kinds of page the site names (``render_pages``) are rendered; the
rest stay plain HTTP. See docs/rendering.md."""
