package apidocs

import (
	"strings"
	"testing"
)

func TestMarkdown(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"paragraphs", "one\ntwo\n\nthree", "<p>one\ntwo</p>\n<p>three</p>\n"},
		{"code and bold", "a `x < y` **b** c", "<p>a <code>x &lt; y</code> <strong>b</strong> c</p>\n"},
		{"bold around code", "**use `x`**", "<p><strong>use <code>x</code></strong></p>\n"},
		{"no bold inside code", "`**a**`", "<p><code>**a**</code></p>\n"},
		{"double backticks", "``a ` b``", "<p><code>a ` b</code></p>\n"},
		{"unclosed backtick", "a ` b", "<p>a ` b</p>\n"},
		{"stars are not bold", "`*` or `%` matches; 2 * 3 ** 4", "<p><code>*</code> or <code>%</code> matches; 2 * 3 ** 4</p>\n"},
		{"escaping", `<script>alert("x")</script> & 'q'`, "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 'q'</p>\n"},
		{"list after paragraph line", "Conventions:\n- a `b`\n- c\n",
			"<p>Conventions:</p>\n<ul>\n<li>a <code>b</code></li>\n<li>c</li>\n</ul>\n"},
		{"list continuation", "- a\n  more\n- b", "<ul>\n<li>a\nmore</li>\n<li>b</li>\n</ul>\n"},
		{"nested list", "- a\n  - b\n  - c\n- d", "<ul>\n<li>a\n<ul>\n<li>b</li>\n<li>c</li>\n</ul>\n</li>\n<li>d</li>\n</ul>\n"},
		{"loose list", "- a\n\n- b", "<ul>\n<li>\n<p>a</p>\n</li>\n<li>\n<p>b</p>\n</li>\n</ul>\n"},
		{"ordered list", "3. x\n4. y", "<ol start=\"3\">\n<li>x</li>\n<li>y</li>\n</ol>\n"},
		{"list then paragraph", "- a\n\ntext", "<ul>\n<li>a</li>\n</ul>\n<p>text</p>\n"},
		{"dash inside text", "a - b\n-- c", "<p>a - b\n-- c</p>\n"},
		{"table", "| A | B |\n|:--|--:|\n| `x\\|y` | **2** |\n| 3 |",
			"<table class=\"md-table\">\n<thead>\n<tr>\n<th>A</th>\n<th class=\"al-r\">B</th>\n</tr>\n</thead>\n<tbody>\n" +
				"<tr>\n<td><code>x|y</code></td>\n<td class=\"al-r\"><strong>2</strong></td>\n</tr>\n" +
				"<tr>\n<td>3</td>\n<td></td>\n</tr>\n</tbody>\n</table>\n"},
		{"pipes without table", "a | b\nc | d", "<p>a | b\nc | d</p>\n"},
		{"table cell escaping", "| <b> |\n|---|\n| & |",
			"<table class=\"md-table\">\n<thead>\n<tr>\n<th>&lt;b&gt;</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>&amp;</td>\n</tr>\n</tbody>\n</table>\n"},
		{"heading", "## Title <x>\ntext", "<h5 class=\"md-h\">Title &lt;x&gt;</h5>\n<p>text</p>\n"},
		{"fenced code", "```json\n{\"a\": \"<b>\"}\n```\nafter", "<pre><code class=\"language-json\">{&quot;a&quot;: &quot;&lt;b&gt;&quot;}\n</code></pre>\n<p>after</p>\n"},
		{"indented code is kept", "a\n\n    x < y", "<p>a</p>\n<pre><code>x &lt; y\n</code></pre>\n"},
		{"links and raw HTML stay text", "[a](javascript:x) <b>", "<p>[a](javascript:x) &lt;b&gt;</p>\n"},
		{"nul byte", "a\x00b", "<p>a\uFFFDb</p>\n"},
		{"crlf", "a\r\n\r\nb", "<p>a</p>\n<p>b</p>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(markdown(tt.in)); got != tt.want {
				t.Errorf("markdown(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// No input produces markup other than the converter's own tags.
func TestMarkdownOnlyOwnTags(t *testing.T) {
	inputs := []string{
		"<a href=x>y</a>", "`<a>`", "**<a>**", "| <a> |\n|---|\n| <b onclick=x> |", "- <li>\n  - <ul>",
		"```\n</code></pre><script>\n```", "[link](javascript:alert(1))", "<!-- x -->", "&lt;a&gt;",
		"<div onclick=x>\nblock\n</div>", "<http://x.test>", "![i](x.png)", "[r]\n\n[r]: http://x.test", "> quote", "a\n---", "***", "\n    indented",
	}
	allowed := map[string]bool{
		"p": true, "code": true, "strong": true, "ul": true, "ol": true, "li": true, "pre": true,
		"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true, "h4": true, "h5": true, "h6": true,
	}
	for _, in := range inputs {
		out := string(markdown(in))
		for i := strings.IndexByte(out, '<'); i >= 0; i = strings.IndexByte(out, '<') {
			out = out[i+1:]
			name := strings.TrimPrefix(out, "/")
			if j := strings.IndexAny(name, " >"); j >= 0 {
				name = name[:j]
			}
			if !allowed[name] {
				t.Errorf("markdown(%q) has a <%s> tag", in, name)
			}
		}
	}
	if got := string(markdown("&lt;a&gt;")); got != "<p>&amp;lt;a&amp;gt;</p>\n" {
		t.Errorf("entities are not escaped: %q", got)
	}
}
