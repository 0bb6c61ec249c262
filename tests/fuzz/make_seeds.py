# make_seeds.py: writes the seed corpora tests/fuzz/corpus/<target>/ (run from the repository root: python3 tests/fuzz/make_seeds.py tests/fuzz/corpus); the files are committed, crash inputs are added by hand.
import glob, hashlib, os, sys
root = sys.argv[1]
def put(target, data):
    if isinstance(data, str): data = data.encode()
    d = os.path.join(root, target); os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    open(os.path.join(d, name), 'wb').write(data)

# front matter: flag byte (require_title) + file
arts = sorted(glob.glob('tests/e2e/articles/**/*.md', recursive=True))
for p in arts:
    b = open(p, 'rb').read()
    put('frontmatter', b'\x01' + b[:4000])
for t in [
    "---\ntitle: x\n---\nbody",
    "---\ntitle: [unclosed\n---\n",
    "---\ntitle: a\ntags: [a, b, c]\naliases:\n  - old-one\n  - old-two\norder: 3\ndraft: true\n---\n",
    "---\ntitle: a\norder: 99999999999999999999\n---\n",
    "---\ntitle: a\nreview_by: 2024-02-30\nupdated: 2024-13-01\n---\n",
    "---\n---\n",
    "---\ntitle: &a x\nsummary: *a\n---\n",
    "---\ntitle: !!binary aGVsbG8=\n---\n",
    "---\ntitle:\n  nested: map\n---\n",
    "---\ntitle: \"\\u0000\"\n---\n",
    "---\r\ntitle: crlf\r\n---\r\nbody\r\n",
    "\xef\xbb\xbf---\ntitle: bom\n---\n",
    "---\ntitle: a\nunknown_key: 1\n---\n",
    "---\ntitle: a\ntitle: twice\n---\n",
    "---\n- a list\n---\n",
    "---\ntitle: a\nlang: xx-YY\n---\n",
    "---\ntitle: 退款条件\nsummary: 七天内\ntags: [退款, 发票]\n---\n正文",
    "no front matter at all\n",
    "---\ntitle: a\n",
]:
    put('frontmatter', b'\x01' + t.encode('utf-8', 'surrogateescape'))
    put('frontmatter', b'\x00' + t.encode('utf-8', 'surrogateescape'))

# urlencoded forms
for t in [
    "csrf=abc&title=How+do+I+reset+my+password%3F&body=Line+one%0D%0ALine+two",
    "email=a%40b.example&subject=%E9%80%80%E6%AC%BE&message=%E4%BD%A0%E5%A5%BD",
    "a=1&a=2&&b&=c&d=",
    "bad=%zz", "bad=%", "bad=%4", "nul=%00", "utf8=%C0%AF", "utf8=%ED%A0%80",
    "utf8=%F4%90%80%80", "plus=a+b+c", "k%3Dey=v%26al", "x=" + "a" * 300,
    "&&&&", "=", "name=%E2%80%AE", "tags=a%2Cb%2Cc&lang=zh-CN",
    "vote=yes&csrf=" + "0" * 64, "%E4%BD%A0=%E5%A5%BD",
]:
    put('form', t)

# text helpers
for t in [
    "<script>alert(1)</script>", "a & b < c > d \" e ' f", "%E4%BD%A0%E5%A5%BD",
    "%zz", "%%", "%0", "%00", "+plus+", "%C0%80", "%ED%A0%80", "%F0%9F%98%80",
    "refund-policy", "-bad-slug", "UPPER", "a" * 101, "zh-CN", "en", "zh-TW",
    "退款条件（部分）", "Hello, World! 你好。", "２０２４年", "\u3000\u3001x", "\tline\nbreak\r",
    "\xef\xbc\x81\xef\xbd\x9a", "\xe2\x80\x8b zero width", "\xff\xfe", "\xe3\x80",
    "~._-", "a%2Bb%20c",
]:
    put('text', t.encode('utf-8', 'surrogateescape'))

# templates: the real ones, a NUL, then a value
for p in sorted(glob.glob('templates/*.html')):
    b = open(p, 'rb').read()
    if len(b) <= 6000:
        put('template', b + b'\x00<script>"x"</script>')
for t in [
    "{{x}}", "{{{x}}}", "{{#list}}{{x}}{{/list}}", "{{^e}}empty{{/e}}",
    "{{#obj}}{{deep.x}}{{/obj}}", "{{>page}}", "{{! comment }}", "{{#t}}{{#t}}{{/t}}",
    "{{/x}}", "{{", "}}", "{{{x}}", "{{#list}}{{/obj}}", "{{x.y.z.w}}", "{{.}}",
    "{{#list}}{{.}}{{/list}}", "{{&x}}", "{{=<% %>=}}", "{{#null}}n{{/null}}{{^null}}m{{/null}}",
]:
    put('template', t.encode() + b'\x00<b>&amp;\'')

# Markdown of user posts
for p in arts[:20]:
    b = open(p, 'rb').read()
    i = b.find(b'\n---', 3)
    put('markdown', b[i + 4:][:3000] if i > 0 else b[:3000])
for t in [
    "[click](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "![i](data:image/png;base64,AAAA)",
    "![i](data:text/html,<script>)", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "<iframe src=//x>", "> > > > > nested", "- - - - - list", "**bold** _em_ `code` ~~del~~",
    "[a][b]\n\n[b]: http://example.com", "| a | b |\n|---|---|\n| 1 | 2 |", "```\ncode\n```",
    "www.example.com and https://example.com/path?q=1", "[refund](refund-policy#steps)",
    "# h1\n## h2\n### h3", "*" * 50, "[" * 40 + "x" + "]" * 40, "1. one\n2. two\n   1. nested",
    "<a href=\"javascript:x\">x</a>", "[x](vbscript:msgbox)", "[x](file:///etc/passwd)",
    "中文内容，**加粗**，[链接](create-account)。", "line\\\nbreak", "&lt;&#x3c;&#60;",
]:
    put('markdown', t)

# queries: flags byte + query
for i, t in enumerate([
    "退款", "申请退款", "發票", "refund", "Refund policy", "refund AND 退款", "refund OR invoice",
    "NOT refund", "\"申请退款\"", "\"refund policy\" 退款", "退款 \"partial\" OR", "pass*", "re",
    "C++", "100%", "账号 帳號", "ｒｅｆｕｎｄ", "title:refund", "-refund +policy", "(refund",
    "\"", "AND", "OR OR OR", "查询订单", "申请（部分）退款", "a" * 256, "退" * 256,
    "e\u0301", "ǅ", "ﬁ", "İstanbul", "ß", "refund~", "refund^2", "password reset email",
]):
    put('search', bytes([i * 37 % 256]) + t.encode())
