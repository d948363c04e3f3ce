package store

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"doorway/internal/seal"
)

// TestSealedValuesNeverReachTheDisk writes a marker through a sealed column and
// proves it is nowhere in the database file or its WAL, that it reads back,
// that a value moved to another row does not open, and that key rotation of
// both kinds keeps old values readable. (Features' own tests check their
// sealed columns on both engines.)
func TestSealedValuesNeverReachTheDisk(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMasterKey(seal.NewKey()); err != nil {
		t.Fatal(err)
	}
	const marker = "Quillback-Sealed-Marker-5521"
	bind := func(row string) seal.Binding {
		return seal.Binding{ClinicID: "c1", Table: "sealed_probe", Column: "body", RowID: row}
	}
	err = s.Write(ctx, func(tx *Tx) error {
		if err := tx.CreateClinic(ctx, &Clinic{ID: "c1", ShortName: "c1", Name: "C", TimeZone: "UTC", CreatedAt: time.Now()}); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `CREATE TABLE sealed_probe (id TEXT PRIMARY KEY, body TEXT NOT NULL)`); err != nil {
			return err
		}
		for _, row := range []string{"r1", "r2"} {
			v, err := tx.sealText(ctx, bind(row), marker+" in "+row)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `INSERT INTO sealed_probe (id, body) VALUES (?, ?)`, row, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	read := func(row, from string) (string, error) {
		var out string
		err := s.Read(ctx, func(tx *Tx) error {
			var v string
			if err := tx.queryRow(ctx, `SELECT body FROM sealed_probe WHERE id = ?`, from).Scan(&v); err != nil {
				return err
			}
			var err error
			out, err = tx.openText(ctx, bind(row), v)
			return err
		})
		return out, err
	}
	if got, err := read("r1", "r1"); err != nil || got != marker+" in r1" {
		t.Fatalf("read back: %q %v", got, err)
	}
	if _, err := read("r1", "r2"); err == nil {
		t.Error("a value copied from another row opened")
	}
	for _, f := range []string{SQLiteFile, SQLiteFile + "-wal"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil && f == SQLiteFile {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("Quillback")) {
			t.Errorf("the marker is readable in %s", f)
		}
	}
	// A new data key: old values still open, new ones use version 2.
	if err := s.Write(ctx, func(tx *Tx) error { _, err := tx.RotateClinicKey(ctx, "c1"); return err }); err != nil {
		t.Fatal(err)
	}
	// A new master key: the data keys are rewrapped, nothing re-encrypted.
	if err := s.RewrapKeys(ctx, seal.NewKey()); err != nil {
		t.Fatal(err)
	}
	if got, err := read("r2", "r2"); err != nil || got != marker+" in r2" {
		t.Fatalf("after rotating both keys: %q %v", got, err)
	}
	s.Write(ctx, func(tx *Tx) error {
		v, err := tx.sealText(ctx, bind("r3"), "new")
		if n, _ := seal.Version(v); err != nil || n != 2 {
			t.Errorf("new value sealed with version %d (%v), want 2", n, err)
		}
		return nil
	})
	// With the wrong master key nothing opens.
	s.SetMasterKey(seal.NewKey())
	if _, err := read("r1", "r1"); err == nil {
		t.Error("opened with the wrong master key")
	}
}
