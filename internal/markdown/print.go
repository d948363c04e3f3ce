package markdown

import (
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// Kind is what a block of printed text is.
type Kind int

const (
	Paragraph Kind = iota
	Heading
	Bullet   // an item of an unordered list
	Numbered // an item of an ordered list; Block.Number is its number
	Quote    // a paragraph inside a block quote
)

// Block is one block of text for print: a paragraph, a heading or a list
// item, with its inline markup taken out (a PDF sets whole blocks in one
// font). Text keeps a hard line break as "\n".
type Block struct {
	Kind   Kind
	Level  int // a heading's level; a list item's depth, 0 at the top
	Number int // a numbered item's number
	Text   string
}

// Blocks reads Markdown as a printed page shows it. Raw HTML is left out,
// as HTML leaves it out, and a link keeps its address after its words, since
// paper cannot be clicked.
func Blocks(src string) []Block {
	source := []byte(src)
	doc := md.Parser().Parse(text.NewReader(source))
	var out []Block
	var walk func(n ast.Node, kind Kind, depth int)
	walk = func(n ast.Node, kind Kind, depth int) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Heading:
				out = append(out, Block{Kind: Heading, Level: c.Level, Text: inline(c, source)})
			case *ast.Paragraph, *ast.TextBlock:
				out = append(out, Block{Kind: kind, Level: depth, Text: inline(c, source)})
			case *ast.Blockquote:
				walk(c, Quote, depth)
			case *ast.List:
				k, num := Bullet, 0
				if c.IsOrdered() {
					k, num = Numbered, c.Start
				}
				for item := c.FirstChild(); item != nil; item = item.NextSibling() {
					first := len(out)
					walk(item, k, depth+boolInt(kind == Bullet || kind == Numbered))
					// The item's first block carries the marker; any
					// further paragraphs of the same item follow as text.
					if first < len(out) && k == Numbered {
						out[first].Number = num
					}
					for i := first + 1; i < len(out); i++ {
						if out[i].Kind == k && out[i].Level == out[first].Level {
							out[i].Kind = Paragraph
						}
					}
					num++
				}
			case *ast.FencedCodeBlock, *ast.CodeBlock:
				out = append(out, Block{Kind: kind, Level: depth, Text: strings.TrimRight(lines(c, source), "\n")})
			case *ast.HTMLBlock, *ast.ThematicBreak:
				// Left out, as HTML leaves raw HTML out; a rule is spacing.
			default:
				walk(c, kind, depth)
			}
		}
	}
	walk(doc, Paragraph, 0)
	// A block whose text was only raw HTML or an empty link is nothing to print.
	kept := out[:0]
	for _, b := range out {
		if strings.TrimSpace(b.Text) != "" {
			kept = append(kept, b)
		}
	}
	return kept
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// lines is the text of a block whose lines are kept as written (code).
func lines(n ast.Node, source []byte) string {
	var b strings.Builder
	l := n.Lines()
	for i := 0; i < l.Len(); i++ {
		s := l.At(i)
		b.Write(s.Value(source))
	}
	return b.String()
}

// inline is a block's words without their markup.
func inline(n ast.Node, source []byte) string {
	var b strings.Builder
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				b.Write(c.Value(source))
				switch {
				case c.HardLineBreak():
					b.WriteByte('\n')
				case c.SoftLineBreak():
					b.WriteByte(' ')
				}
			case *ast.String:
				b.Write(c.Value)
			case *ast.AutoLink:
				b.Write(c.URL(source))
			case *ast.Link:
				start := b.Len()
				walk(c)
				words := b.String()[start:]
				if dest := string(c.Destination); printable(dest) && dest != words && "mailto:"+words != dest {
					b.WriteString(" (" + strings.TrimPrefix(dest, "mailto:") + ")")
				}
			case *ast.Image:
				walk(c) // its alt text
			case *ast.RawHTML:
				// Left out.
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}

// printable says whether a link's address is worth printing: one a reader
// could type or dial, never a script.
func printable(dest string) bool {
	d := strings.ToLower(dest)
	return strings.HasPrefix(d, "http://") || strings.HasPrefix(d, "https://") || strings.HasPrefix(d, "mailto:")
}
