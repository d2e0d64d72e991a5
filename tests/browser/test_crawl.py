"""The crawl (issue #13, "Tests"): every role of the demo company follows the links it meets from its home page —
one page per URL pattern — and every page, in Chinese at 375 and 1440 px and in English at 1280 and 1920 px,
fits the screen, speaks the reader's language (its charts' words too) and logs no console error.

User data (names, addresses, notes…) may be in either language: text inside an element with a ``data-user``
attribute, and any value stored in the database, is left out before the language is checked. So is text inside
an element whose ``lang`` differs from the page's (the language switch names the other language in itself)."""

import io
import re
import time
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.urls import Resolver404, resolve

from teams.demo import DEMO_LOGINS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# One demo login per role (the first of each role in the README's table).
ROLES = list({role: username for username, _name, role, _team in reversed(DEMO_LOGINS)}.items())[::-1]

SIZES = {"zh-hans": [(375, 800), (1440, 900)], "en": [(1280, 800), (1920, 1000)]}

# Links that act, download or leave the product's pages: never followed.
NOT_FOLLOWED = {
    "logout",
    "set_language",
    "teams:notification_read",  # marks the notification read
    "clients:reveal_phone",  # logs the reveal
    "complaints:reveal_phone",
    "projects:export",
    "projects:file",
    "clients:contract_attachment",
    "complaints:attachment",
    "performance:report_file",
    "performance:receivables_export",
    "clients:privacy_request_export",
    "clients:receipt_scan",
    "projects:change_order_scan",
    "reception:call_reveal_phone",
    "reception:phone_call_reveal",
    "teams:job_download",
}
DOWNLOAD_QUERY = re.compile(r"[?&](export|format)=")

# Product names and units a Chinese page may name in Latin letters.
LATIN_ALLOWED = {"Excel", "WeCom", "DingTalk", "PDF", "JPEG", "xlsx", "Word", "Celery"}
# Authenticator apps named on the two-factor enrolment page.
LATIN_ALLOWED |= {"Authenticator", "FreeOTP", "Google", "Microsoft"}
# The privacy request desk exports a client's data as a workbook and as JSON (a format's name).
LATIN_ALLOWED |= {"JSON"}
LATIN_WORD = re.compile(r"[A-Za-z]{4,}")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# Pages too wide at 375 px, by URL name, each with why. Shrink this list; never grow it without a reason.
OVERFLOW_ALLOWED: dict[str, str] = {}
# Whole texts that rightly mix the languages.
MIXED_ALLOWED = {
    # The lookup's example is a surname as clients' names are stored, in Chinese, whatever the reader's language.
    "e.g. 5678 or 王",
}
# Pages with text not yet in the reader's language, by (language, URL name). Shrink this list.
TEXT_ALLOWED: dict[tuple[str, str], str] = {}

# Visible text of the page, left out: scripts, hidden elements, user data, text in another language.
VISIBLE_TEXT = """() => {
  const lang = document.documentElement.lang;
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  // code, kbd and samp hold commands and identifiers, in no language.
  const skip = (el) => el.closest('script,style,noscript,template,code,kbd,samp,[data-user]')
      || (el.closest('[lang]') && el.closest('[lang]').lang !== lang);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue.trim();
    const el = node.parentElement;
    if (!text || !el || skip(el)) continue;
    if (el.tagName !== 'OPTION' && !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    out.push(text);
  }
  // A chart draws its words on a canvas: read them from its option (names, titles, category labels).
  const words = (value, key) => {
    if (typeof value === 'string') { if (['name', 'text', 'subtext', 'data'].includes(key)) out.push(value); }
    else if (Array.isArray(value)) { value.forEach((item) => words(item, key)); }
    else if (value && typeof value === 'object') { Object.entries(value).forEach(([k, v]) => words(v, k)); }
  };
  for (const el of document.querySelectorAll('[data-chart]')) {
    const source = document.getElementById(el.dataset.chart);
    if (source && !skip(el)) words(JSON.parse(source.textContent), '');
  }
  for (const el of document.querySelectorAll('[placeholder],[title],[aria-label]')) {
    if (skip(el)) continue;
    for (const attr of ['placeholder', 'title', 'aria-label']) {
      const value = el.getAttribute(attr);
      if (value && value.trim()) out.push(value.trim());
    }
  }
  return out;
}"""

# The outermost elements that run past the right edge, to name in a failure.
TOO_WIDE = """() => Array.from(document.querySelectorAll('body *'))
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
      && !(el.parentElement && el.parentElement.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 3).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''))"""

LINKS = """() => Array.from(document.querySelectorAll('a[href]'))
  .filter(a => !a.hasAttribute('download') && !a.closest('form'))
  .map(a => a.href)"""


def _stored_text() -> list[str]:
    """Every text value stored in the product's tables, longest first, each also line by line (user data)."""
    values = set()
    for model in apps.get_models():
        if model._meta.app_label in {"admin", "auth", "contenttypes", "sessions"}:
            continue
        # Fields with choices hold codes (shown through their translated labels), not user data.
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField)) and not f.choices
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            for value in row:
                if value and (HAN.search(value) or LATIN_WORD.search(value)):
                    values.add(value.strip())
                    values.update(line.strip() for line in value.splitlines() if line.strip())
    return sorted(values, key=len, reverse=True)


def _log_in(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("demo1234")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def _url_name(base_url, href):
    parts = urlsplit(href)
    if f"{parts.scheme}://{parts.netloc}" != base_url or DOWNLOAD_QUERY.search(parts.query):
        return None
    if parts.path.startswith(("/admin/", "/static/", "/media/")):
        return None
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        return None
    return None if name in NOT_FOLLOWED else name


def _foreign_words(texts, language, stored):
    found = []
    pattern = HAN if language == "en" else LATIN_WORD
    for text in texts:
        if text in MIXED_ALLOWED or not pattern.search(text):
            continue
        for value in stored:
            if value in text:
                text = text.replace(value, " ")
        if language == "en":
            found += HAN.findall(text) and [text]
        else:
            found += [w for w in LATIN_WORD.findall(text) if w not in LATIN_ALLOWED]
    return found


# Every role's pages in two languages, with the demo company seeded first: far longer than one journey.
@pytest.mark.timeout(1800)
def test_every_role_reaches_only_pages_that_fit_and_speak_its_language(browser, live_server):
    call_command("seed_demo", stdout=io.StringIO())
    stored = _stored_text()
    base = live_server.url
    problems = []
    started = time.monotonic()
    for role, username in ROLES:
        for language, sizes in SIZES.items():
            context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
            context.add_cookies([{"name": "django_language", "value": language, "url": base}])
            page = context.new_page()
            errors = []
            page.on("console", lambda msg, errors=errors: msg.type == "error" and errors.append(msg.text))
            page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
            page.set_viewport_size({"width": sizes[0][0], "height": sizes[0][1]})
            _log_in(page, base, username)
            queue, seen = [f"{base}/"], {"teams:home"}
            while queue:
                url = queue.pop(0)
                where = f"{role.label} {language} {url.removeprefix(base)}"
                name = _url_name(base, url) or "teams:home"
                errors.clear()
                response = page.goto(url)
                if response.status >= 400:
                    problems.append(f"{where}: HTTP {response.status}")
                    continue
                for width, height in sizes:
                    page.set_viewport_size({"width": width, "height": height})
                    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                    if overflow > 1 and name not in OVERFLOW_ALLOWED:
                        problems.append(f"{where} {width}px: {overflow}px too wide: {page.evaluate(TOO_WIDE)}")
                if (language, name) not in TEXT_ALLOWED:
                    foreign = _foreign_words(page.evaluate(VISIBLE_TEXT), language, stored)
                    if foreign:
                        problems.append(f"{where}: not {language}: {sorted(set(foreign))[:12]}")
                if errors:
                    problems.append(f"{where}: console {errors[:3]}")
                for href in page.evaluate(LINKS):
                    href = href.split("#")[0]
                    link_name = _url_name(base, href)
                    if link_name and link_name not in seen:
                        seen.add(link_name)
                        queue.append(href)
                page.set_viewport_size({"width": sizes[0][0], "height": sizes[0][1]})
            context.close()
            print(f"crawl: {role.label} {language}: {len(seen)} pages by {time.monotonic() - started:.0f}s")
    assert not problems, "\n".join(problems)
