package apidocs

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown converts the Markdown used in the descriptions of an OpenAPI
// document to HTML with goldmark: paragraphs, `code` spans, emphasis and
// **bold**, bullet and numbered lists, GitHub-style pipe tables, "#" headings,
// ``` fenced and indented code blocks. Everything else is shown as text.
//
// No markup from the input reaches the page: the parsers of raw HTML (inline
// and blocks), links, autolinks and link reference definitions are left out,
// so such input stays text, and all text is HTML-escaped on output. Entity
// references (&lt;) are shown as written, not decoded. goldmark's unsafe mode
// is not enabled.
func markdown(s string) template.HTML {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var b bytes.Buffer
	if err := md.Convert([]byte(s), &b); err != nil {
		return template.HTML(template.HTMLEscapeString(s)) // goldmark fails only on a failing writer
	}
	return template.HTML(b.String()) // only goldmark's tags around escaped text
}

var md = goldmark.New(
	goldmark.WithParser(parser.NewParser(
		parser.WithBlockParsers(
			util.Prioritized(parser.NewATXHeadingParser(), 600),
			util.Prioritized(parser.NewFencedCodeBlockParser(), 700),
			util.Prioritized(parser.NewListParser(), 300),
			util.Prioritized(parser.NewListItemParser(), 400),
			util.Prioritized(parser.NewCodeBlockParser(), 500),
			util.Prioritized(parser.NewParagraphParser(), 1000),
		),
		parser.WithInlineParsers(
			util.Prioritized(parser.NewCodeSpanParser(), 100),
			util.Prioritized(parser.NewEmphasisParser(), 500),
		),
		parser.WithASTTransformers(util.Prioritized(classes{}, 1000)),
	)),
	goldmark.WithExtensions(extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignNone))),
	goldmark.WithRendererOptions(html.WithWriter(textWriter{})),
)

// classes fits the rendered Markdown into the page: headings start below the
// page's own h1–h3 and carry class md-h, tables class md-table, and aligned
// cells al-c or al-r (classes, because the page allows no inline styles).
type classes struct{}

func (classes) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			n.Level = min(n.Level+3, 6)
			n.SetAttributeString("class", "md-h")
		case *extast.Table:
			n.SetAttributeString("class", "md-table")
		case *extast.TableCell:
			switch n.Alignment {
			case extast.AlignCenter:
				n.SetAttributeString("class", "al-c")
			case extast.AlignRight:
				n.SetAttributeString("class", "al-r")
			}
		}
		return ast.WalkContinue, nil
	})
}

// textWriter is goldmark's writer without the decoding of entity references:
// backslash escapes still apply and NUL becomes U+FFFD, and everything is
// HTML-escaped, so "&lt;" in a description is shown as "&lt;".
type textWriter struct{}

var replacement = []byte("\uFFFD")

func (textWriter) RawWrite(w util.BufWriter, source []byte) { html.DefaultWriter.RawWrite(w, source) }

func (textWriter) SecureWrite(w util.BufWriter, source []byte) {
	html.DefaultWriter.SecureWrite(w, source)
}

func (t textWriter) Write(w util.BufWriter, source []byte) {
	n := 0
	for i := 0; i < len(source); i++ {
		switch c := source[i]; {
		case c == '\\' && i+1 < len(source) && util.IsPunct(source[i+1]):
			t.RawWrite(w, source[n:i])
			n = i + 1
			i++ // the escaped character is written as it is
		case c == 0:
			t.RawWrite(w, source[n:i])
			t.RawWrite(w, replacement)
			n = i + 1
		}
	}
	t.RawWrite(w, source[n:])
}
