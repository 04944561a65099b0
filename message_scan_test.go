package torg

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
)

// sourceFormats walks the module's Go source (tests and testdata left out) and returns every constant
// message text it finds, with where it is first used: the format of each call of Errorf, Invalid and
// Fields.Add, the Message of each Error and FieldError literal, and the text of errors.New in the
// packages whose errors become field messages (this one and the web UI's).
func sourceFormats(root string) (map[string]string, error) {
	uses := map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		rootPkg := filepath.Dir(path) == filepath.Clean(root)
		errorsNew := rootPkg || filepath.ToSlash(filepath.Dir(path)) == "internal/web"
		for _, text := range fileFormats(file, rootPkg, errorsNew) {
			if _, seen := uses[text.s]; !seen {
				uses[text.s] = fset.Position(text.pos).String()
			}
		}
		return nil
	})
	return uses, err
}

type posText struct {
	s   string
	pos token.Pos
}

// fileFormats finds the message texts of one file. rootPkg says the file is in package torg, where
// Errorf and Invalid are called without a qualifier.
func fileFormats(file *ast.File, rootPkg, errorsNew bool) []posText {
	fieldVars := fieldsVariables(file)
	var out []posText
	add := func(e ast.Expr) {
		if s, ok := constString(e); ok && s != "%s" {
			out = append(out, posText{s, e.Pos()})
		}
	}
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			name, recv := callee(n.Fun)
			switch {
			case (name == "Errorf" || name == "Invalid") && (recv == "torg" || recv == "" && rootPkg) && len(n.Args) >= 2:
				add(n.Args[1])
			case name == "Add" && fieldVars[recv] && len(n.Args) >= 2:
				add(n.Args[1])
			case name == "New" && recv == "errors" && errorsNew && len(n.Args) == 1:
				if s, _ := constString(n.Args[0]); s != "panic" {
					add(n.Args[0])
				}
			}
		case *ast.CompositeLit:
			if typ, _ := callee(n.Type); typ == "Error" || typ == "FieldError" {
				messageOf(n, add)
			}
			if arr, ok := n.Type.(*ast.ArrayType); ok {
				if typ, _ := callee(arr.Elt); typ == "FieldError" {
					for _, el := range n.Elts {
						if lit, ok := el.(*ast.CompositeLit); ok {
							messageOf(lit, add)
						}
					}
				}
			}
		}
		return true
	})
	return out
}

// messageOf adds the Message of an Error or FieldError literal.
func messageOf(lit *ast.CompositeLit, add func(ast.Expr)) {
	for _, el := range lit.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			if k, _ := kv.Key.(*ast.Ident); k != nil && k.Name == "Message" {
				add(kv.Value)
			}
		}
	}
}

// callee names a called function or a type: its name and the identifier before the dot, if any.
func callee(e ast.Expr) (name, recv string) {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name, ""
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok {
			return e.Sel.Name, x.Name
		}
		return e.Sel.Name, "?"
	}
	return "", "?"
}

// fieldsVariables are the names declared in the file with the type Fields (or a pointer to it):
// variables, parameters and results.
func fieldsVariables(file *ast.File) map[string]bool {
	names := map[string]bool{}
	isFields := func(t ast.Expr) bool {
		if s, ok := t.(*ast.StarExpr); ok {
			t = s.X
		}
		name, recv := callee(t)
		return name == "Fields" && (recv == "" || recv == "torg")
	}
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ValueSpec:
			if n.Type != nil && isFields(n.Type) {
				for _, id := range n.Names {
					names[id.Name] = true
				}
			}
		case *ast.Field:
			if isFields(n.Type) {
				for _, id := range n.Names {
					names[id.Name] = true
				}
			}
		}
		return true
	})
	return names
}

// constString is the value of a string literal, or of literals joined with +.
func constString(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := constString(e.X)
		b, ok2 := constString(e.Y)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return constString(e.X)
	}
	return "", false
}
