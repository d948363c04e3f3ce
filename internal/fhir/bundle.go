package fhir

import (
	"net/http"
	"net/url"
	"strconv"
)

// Bundle is a searchset: the answer to a search or to $everything.
type Bundle struct {
	ResourceType string        `json:"resourceType"`
	Type         string        `json:"type"`
	Total        *int          `json:"total,omitempty"`
	Link         []BundleLink  `json:"link,omitempty"`
	Entry        []BundleEntry `json:"entry,omitempty"`
}

// BundleLink is a self or paging link.
type BundleLink struct {
	Relation string `json:"relation"`
	URL      string `json:"url"`
}

// BundleEntry holds one resource.
type BundleEntry struct {
	FullURL  string        `json:"fullUrl,omitempty"`
	Resource any           `json:"resource,omitempty"`
	Search   *BundleSearch `json:"search,omitempty"`
}

// BundleSearch says why an entry is in a searchset.
type BundleSearch struct {
	Mode string `json:"mode"` // "match" or "include"
}

// base is the absolute address of the API for links and fullUrls.
func (a *API) base(r *http.Request) string {
	if a.cfg.BaseURL != "" {
		return a.cfg.BaseURL + basePath
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + basePath
}

// searchset builds the Bundle of one page of a search, with self, next and
// previous links whose _offset is the paging cursor.
func (a *API) searchset(r *http.Request, t *resourceType, q *searchQuery, p page) Bundle {
	base := a.base(r)
	total := p.total
	b := Bundle{ResourceType: "Bundle", Type: "searchset", Total: &total}
	link := func(rel string, offset int) {
		v := url.Values{}
		for k, vals := range q.link {
			v[k] = vals
		}
		v.Set(paramCount, strconv.Itoa(q.count))
		if offset > 0 {
			v.Set(paramOffset, strconv.Itoa(offset))
		}
		b.Link = append(b.Link, BundleLink{Relation: rel, URL: base + "/" + t.name + "?" + v.Encode()})
	}
	link("self", q.offset)
	if q.count > 0 && q.offset+q.count < total {
		link("next", q.offset+q.count)
	}
	if q.count > 0 && q.offset > 0 {
		link("previous", max(q.offset-q.count, 0))
	}
	for _, h := range p.hits {
		b.Entry = append(b.Entry, a.entry(r, h, "match"))
	}
	return b
}

func (a *API) entry(r *http.Request, h hit, mode string) BundleEntry {
	return BundleEntry{FullURL: a.base(r) + "/" + h.typ + "/" + h.id, Resource: h.resource, Search: &BundleSearch{Mode: mode}}
}
