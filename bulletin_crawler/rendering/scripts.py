"""The page scripts of a render's actions, shared by Chromium and Splash.

A click on "下一页" may *replace* the list (page 2 instead of page 1) where "加载更多" appends
to it; a virtual list may drop rows as it scrolls. So before each action the page's links are
noted, and when the action took some away, the page as it was before is kept in a hidden block
at the end of ``<body>``: the HTML finally taken holds every page seen, and the list parser,
which reads each link once, finds them all. (The kept copies lose their ``javascript:`` links:
a "下一页" control does nothing in a copy.)
"""

from __future__ import annotations

KEPT_PAGES_ID = "bulletin-earlier-pages"

# Before an action: the body (without pages kept already) and its links.
NOTE_PAGE = f"""(() => {{
  const copy = document.body.cloneNode(true);
  const kept = copy.querySelector("#{KEPT_PAGES_ID}");
  if (kept) kept.remove();
  window.__bulletinBefore = {{html: copy.innerHTML,
                              links: Array.from(document.links, a => a.href).join("\\n")}};
  return true;
}})()"""

# Whether the action changed the page's links yet.
LINKS_CHANGED = """(() => window.__bulletinBefore !== undefined &&
  Array.from(document.links, a => a.href).join("\\n") !== window.__bulletinBefore.links)()"""

# After an action that changed the links: keep the page as it was when links went missing.
KEEP_REPLACED_PAGE = f"""(() => {{
  const before = window.__bulletinBefore;
  if (before === undefined) return false;
  const now = new Set(Array.from(document.links, a => a.href));
  if (before.links.split("\\n").every(href => !href || now.has(href))) return false;
  let kept = document.getElementById("{KEPT_PAGES_ID}");
  if (!kept) {{
    kept = document.createElement("div");
    kept.id = "{KEPT_PAGES_ID}";
    kept.hidden = true;
    document.body.appendChild(kept);
  }}
  const page = document.createElement("div");
  page.innerHTML = before.html;
  for (const control of page.querySelectorAll("a[href]")) {{  // a dead "下一页" in a copy
    if (/^\\s*javascript:/i.test(control.getAttribute("href"))) control.removeAttribute("href");
  }}
  kept.appendChild(page);
  return true;
}})()"""

SCROLL_TO_END = "(() => { window.scrollTo(0, document.body.scrollHeight); return true; })()"


def _lua_string(text: str) -> str:
    """A Lua long string holding ``text`` verbatim."""
    level = "=" * next(n for n in range(1, 10) if f"]{'=' * n}]" not in text)
    return f"[{level}[{text}]{level}]"


ERROR_HEADER = "X-Bulletin-Render-Error"

# Splash's ``execute`` script: the same actions, polled with ``splash:wait``. A failed first
# load answers 502 with the reason (``http404``, ``network3``…) in a header, as ``render.html``
# does in its JSON; a ``render_wait`` that never matches runs into Splash's own ``timeout`` (504).
LUA_SOURCE = f"""
function main(splash, args)
  splash.images_enabled = args.images == 1
  local ok, reason = splash:go(args.url)
  if not ok then
    splash:set_result_status_code(502)
    splash:set_result_header("{ERROR_HEADER}", reason)
    return ""
  end
  splash:wait(args.wait)
  local function until_true(check, seconds)
    local waited = 0
    while not check() do
      if waited >= seconds then return false end
      splash:wait(0.1)
      waited = waited + 0.1
    end
    return true
  end
  local function changes_links(action)
    splash:evaljs({_lua_string(NOTE_PAGE)})
    action()
    if not until_true(function() return splash:evaljs({_lua_string(LINKS_CHANGED)}) end,
                      args.settle) then
      return false
    end
    splash:evaljs({_lua_string(KEEP_REPLACED_PAGE)})
    return true
  end
  if args.render_wait then
    until_true(function() return splash:select(args.render_wait) ~= nil end, args.timeout)
  end
  for _ = 1, args.render_clicks do
    local control = splash:select(args.render_click)
    if control == nil or not control:visible()
        or not changes_links(function() control:mouse_click() end) then
      break
    end
  end
  for _ = 1, args.render_scroll do
    if not changes_links(function() splash:runjs({_lua_string(SCROLL_TO_END)}) end) then
      break
    end
  end
  return splash:html()
end
"""
