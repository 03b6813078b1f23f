package apidocs

import (
	"html"
	"html/template"
	"regexp"
	"strconv"
	"strings"
)

// markdown converts the small Markdown subset used in the descriptions of an
// OpenAPI document to HTML: paragraphs, `code` spans, **bold**, bullet and
// numbered lists (nested by indentation), GitHub-style pipe tables, "#"
// headings and ``` fenced code blocks. Everything else is shown as text.
//
// The whole input is HTML-escaped before it is looked at, and the converter
// only ever adds its own fixed tags around pieces of that escaped text, so no
// markup (or attribute) from the input can reach the page. Links and raw HTML
// are deliberately not supported.
func markdown(s string) template.HTML {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\x00", "\uFFFD") // \x00 marks code spans in inline
	s = strings.ReplaceAll(s, "\t", "    ")
	s = html.EscapeString(s)
	var b strings.Builder
	blocks(&b, strings.Split(strings.TrimRight(s, "\n "), "\n"))
	return template.HTML(b.String()) // built from escaped text only
}

var (
	listItemRE  = regexp.MustCompile(`^( *)([-*+]|[0-9]{1,9}[.)])( +|$)`)
	headingRE   = regexp.MustCompile(`^ {0,3}(#{1,6})(?: +|$)(.*?)(?: +#+)? *$`)
	fenceRE     = regexp.MustCompile("^ {0,3}(```+|~~~+)")
	tableSepRE  = regexp.MustCompile(`^ *\|? *:?-+:? *(\| *:?-+:? *)*\|? *$`)
	boldRE      = regexp.MustCompile(`\*\*([^*\s](?:[^*]*[^*\s])?)\*\*`)
	codeTokenRE = regexp.MustCompile("\x00([0-9]+)\x00")
)

func blank(line string) bool { return strings.TrimSpace(line) == "" }

func indentOf(line string) int { return len(line) - len(strings.TrimLeft(line, " ")) }

func isTableStart(lines []string, i int) bool {
	return i+1 < len(lines) && strings.Contains(lines[i], "|") &&
		strings.Contains(lines[i+1], "|") && tableSepRE.MatchString(lines[i+1])
}

// blocks renders lines (already HTML-escaped) as a sequence of blocks.
func blocks(b *strings.Builder, lines []string) {
	for i := 0; i < len(lines); {
		line := lines[i]
		switch {
		case blank(line):
			i++
		case fenceRE.MatchString(line):
			i = fenced(b, lines, i)
		case headingRE.MatchString(line):
			m := headingRE.FindStringSubmatch(line)
			level := min(len(m[1])+3, 6) // the page uses h1–h4 itself
			tag := "h" + strconv.Itoa(level)
			b.WriteString("<" + tag + ` class="md-h">` + inline(m[2]) + "</" + tag + ">\n")
			i++
		case isTableStart(lines, i):
			i = table(b, lines, i)
		case listItemRE.MatchString(line):
			i = list(b, lines, i)
		default:
			i = paragraph(b, lines, i)
		}
	}
}

func paragraph(b *strings.Builder, lines []string, i int) int {
	var text []string
	for ; i < len(lines); i++ {
		line := lines[i]
		if blank(line) || (len(text) > 0 && (fenceRE.MatchString(line) ||
			headingRE.MatchString(line) || listItemRE.MatchString(line) || isTableStart(lines, i))) {
			break
		}
		text = append(text, strings.TrimSpace(line))
	}
	b.WriteString("<p>" + inline(strings.Join(text, "\n")) + "</p>\n")
	return i
}

func fenced(b *strings.Builder, lines []string, i int) int {
	fence := fenceRE.FindStringSubmatch(lines[i])[1]
	i++
	var code []string
	for ; i < len(lines); i++ {
		if strings.HasPrefix(strings.TrimSpace(lines[i]), fence) {
			i++
			break
		}
		code = append(code, lines[i])
	}
	b.WriteString("<pre><code>" + strings.Join(code, "\n") + "</code></pre>\n")
	return i
}

// list renders the list starting at lines[i]: the items at its indentation
// with the same kind of marker. The lines of an item that are indented past
// its marker (and lazy continuation lines) are rendered as blocks of their
// own, so lists nest; an item holding a single paragraph is shown tight.
func list(b *strings.Builder, lines []string, i int) int {
	first := listItemRE.FindStringSubmatch(lines[i])
	base := len(first[1])
	ordered := !strings.ContainsAny(first[2], "-*+")
	if ordered {
		n, _ := strconv.Atoi(strings.TrimRight(first[2], ".)"))
		if n != 1 {
			b.WriteString(`<ol start="` + strconv.Itoa(n) + `">` + "\n")
		} else {
			b.WriteString("<ol>\n")
		}
	} else {
		b.WriteString("<ul>\n")
	}
	for i < len(lines) {
		m := listItemRE.FindStringSubmatch(lines[i])
		if m == nil || len(m[1]) != base || ordered == strings.ContainsAny(m[2], "-*+") {
			break
		}
		content := len(m[0])
		if m[3] == "" || len(m[3]) > 4 { // "-" alone, or an indented code block: content starts after one space
			content = len(m[1]) + len(m[2]) + 1
		}
		body := []string{strings.TrimLeft(lines[i][len(m[0]):], " ")}
		i++
		for i < len(lines) {
			line := lines[i]
			if blank(line) {
				// A blank line continues the item only when indented content follows.
				j := i
				for j < len(lines) && blank(lines[j]) {
					j++
				}
				if j < len(lines) && indentOf(lines[j]) >= content {
					for ; i < j; i++ {
						body = append(body, "")
					}
					continue
				}
				break
			}
			if indentOf(line) >= content {
				body = append(body, line[content:])
				i++
				continue
			}
			// Lazy continuation of the item's paragraph.
			if listItemRE.MatchString(line) || fenceRE.MatchString(line) || headingRE.MatchString(line) ||
				isTableStart(lines, i) || blank(body[len(body)-1]) {
				break
			}
			body = append(body, strings.TrimSpace(line))
			i++
		}
		var item strings.Builder
		blocks(&item, body)
		h := strings.TrimSuffix(item.String(), "\n")
		if strings.HasPrefix(h, "<p>") && strings.Count(h, "<p>") == 1 {
			// Tight item: drop the paragraph around the text (and keep any nested list).
			end := strings.Index(h, "</p>")
			h = h[len("<p>"):end] + h[end+len("</p>"):]
		}
		b.WriteString("<li>" + h + "</li>\n")
		// Skip blank lines between items of the same list.
		j := i
		for j < len(lines) && blank(lines[j]) {
			j++
		}
		if j > i && j < len(lines) {
			if m := listItemRE.FindStringSubmatch(lines[j]); m != nil && len(m[1]) == base {
				i = j
			}
		}
	}
	if ordered {
		b.WriteString("</ol>\n")
	} else {
		b.WriteString("</ul>\n")
	}
	return i
}

func table(b *strings.Builder, lines []string, i int) int {
	head := cells(lines[i])
	var align []string
	for _, c := range cells(lines[i+1]) {
		c = strings.TrimSpace(c)
		switch {
		case strings.HasPrefix(c, ":") && strings.HasSuffix(c, ":"):
			align = append(align, ` class="al-c"`)
		case strings.HasSuffix(c, ":"):
			align = append(align, ` class="al-r"`)
		default:
			align = append(align, "")
		}
	}
	attr := func(k int) string {
		if k < len(align) {
			return align[k]
		}
		return ""
	}
	b.WriteString(`<table class="md-table">` + "\n<thead><tr>")
	for k, c := range head {
		b.WriteString("<th" + attr(k) + ">" + inline(c) + "</th>")
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for i += 2; i < len(lines) && !blank(lines[i]) && strings.Contains(lines[i], "|"); i++ {
		row := cells(lines[i])
		b.WriteString("<tr>")
		for k := range head {
			c := ""
			if k < len(row) {
				c = row[k]
			}
			b.WriteString("<td" + attr(k) + ">" + inline(c) + "</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
	return i
}

// cells splits a table row at its unescaped pipes; `\|` is a literal pipe.
func cells(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	if strings.HasSuffix(line, "|") && !strings.HasSuffix(line, `\|`) {
		line = line[:len(line)-1]
	}
	var out []string
	var cur strings.Builder
	for k := 0; k < len(line); k++ {
		switch {
		case line[k] == '\\' && k+1 < len(line) && line[k+1] == '|':
			cur.WriteByte('|')
			k++
		case line[k] == '|':
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(line[k])
		}
	}
	return append(out, strings.TrimSpace(cur.String()))
}

// inline formats code spans and bold text in s, which is already escaped.
// Code spans are swapped for \x00N\x00 tokens first so that their content
// is never formatted and bold text may contain them.
func inline(s string) string {
	var spans []string
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '`' {
			b.WriteByte(s[i])
			i++
			continue
		}
		n := 0
		for i+n < len(s) && s[i+n] == '`' {
			n++
		}
		run := s[i : i+n]
		end := closingRun(s, i+n, n)
		if end < 0 {
			b.WriteString(run) // no closing run: literal backticks
			i += n
			continue
		}
		code := strings.ReplaceAll(s[i+n:end], "\n", " ")
		if len(code) > 2 && code[0] == ' ' && code[len(code)-1] == ' ' && strings.Trim(code, " ") != "" {
			code = code[1 : len(code)-1]
		}
		b.WriteString("\x00" + strconv.Itoa(len(spans)) + "\x00")
		spans = append(spans, "<code>"+code+"</code>")
		i = end + n
	}
	out := boldRE.ReplaceAllString(b.String(), "<strong>$1</strong>")
	return codeTokenRE.ReplaceAllStringFunc(out, func(tok string) string {
		k, _ := strconv.Atoi(strings.Trim(tok, "\x00"))
		return spans[k]
	})
}

// closingRun returns the index of the next run of exactly n backticks in s
// at or after from, or -1.
func closingRun(s string, from, n int) int {
	for i := from; i < len(s); {
		if s[i] != '`' {
			i++
			continue
		}
		m := 0
		for i+m < len(s) && s[i+m] == '`' {
			m++
		}
		if m == n {
			return i
		}
		i += m
	}
	return -1
}
