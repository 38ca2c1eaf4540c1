"""The field names of VuFind's biblio Solr schema, and which of them are index machinery.

Source: vufind-org/vufind ``solr/vufind/biblio/conf/schema.xml`` (static
<field> names and <dynamicField> suffixes), plus names older VuFind indexes
and RecordManager write (``author-letter``, ``callnumber-a``, ``author2Str``).
Both VuFind readers use these tables: the JSON reader to drop Solr-only
fields, the staff-view text reader to tell a field line from a value line.
"""

from __future__ import annotations


def _names(text: str) -> frozenset[str]:
    """A set of field names written as a whitespace-separated block (easy to diff)."""
    return frozenset(text.split())


# Static fields of VuFind's biblio schema (schema.xml, <field name=...>).
SCHEMA_FIELDS = _names("""
_version_ id fullrecord marc_error allfields allfields_unstemmed fulltext fulltext_unstemmed
spelling spellingShingle institution collection building language format author author_variant
author_role author_facet author_sort title title_sort title_sub title_short title_full
title_full_unstemmed title_fullStr title_auth physical publisher publisherStr publishDate
publishDateSort edition description contents url thumbnail lccn ctrlnum isbn issn oclc_num
callnumber-first callnumber-subject callnumber-label callnumber-sort callnumber-raw
callnumber-search dewey-hundreds dewey-tens dewey-ones dewey-full dewey-sort dewey-raw
dewey-search author2 author2_variant author2_role author_corporate author_corporate_role
author_fuller author2_fuller author_additional title_alt title_old title_new dateSpan series
series2 topic topic_unstemmed topic_facet topic_browse author_browse genre genre_facet
geographic geographic_facet era era_facet illustrated long_lat long_lat_display long_lat_label
container_title container_volume container_issue container_start_page container_reference
hierarchytype hierarchy_top_id hierarchy_top_title hierarchy_parent_id hierarchy_parent_title
hierarchy_sequence is_hierarchy_id is_hierarchy_title title_in_hierarchy hierarchy_browse
recordtype first_indexed last_indexed doi_str_mv work_keys_str_mv score
callnumber dewey-sort-browse callnumber-first-code callnumber-subject-code callnumber-a
author-letter author2Str publication_place
""")

# Dynamic-field suffixes of the schema (<dynamicField name="*_...">).
DYNAMIC_SUFFIXES = (
    "_date", "_date_mv", "_isn", "_isn_mv", "_str", "_str_mv", "_txt", "_txt_mv", "_txtF",
    "_txtF_mv", "_txtP", "_txtP_mv", "_random", "_boolean", "_geo", "_geo_mv",
)

# Index machinery: copies, sort keys, facets, spelling, the raw source record.
SOLR_ONLY = _names("""
_version_ fullrecord allfields allfields_unstemmed fulltext fulltext_unstemmed spelling
spellingShingle author_variant author_facet author_sort author2_variant title_sort
title_full_unstemmed title_fullStr title_auth publisherStr publishDateSort topic_unstemmed
topic_facet topic_browse author_browse genre_facet geographic_facet era_facet hierarchy_browse
callnumber-sort callnumber-search dewey-sort dewey-sort-browse dewey-search score
first_indexed last_indexed author-letter author2Str recordtype marc_error
""")
_SOLR_ONLY_SUFFIXES = ("_sort", "_facet", "_str_mv", "_str", "_random", "Str", "_unstemmed",
                       "_browse", "_variant", "_boolean")
_KEPT_DYNAMIC = frozenset({"doi_str_mv"})  # a *_str_mv field VuFind uses for data


def is_known_field(name: str) -> bool:
    """A field name of VuFind's biblio schema, static or dynamic."""
    return name in SCHEMA_FIELDS or name.endswith(DYNAMIC_SUFFIXES)


def is_solr_only(name: str) -> bool:
    """Fields that exist for Solr (search, sort, facets), not for the description."""
    if name in _KEPT_DYNAMIC:
        return False
    return name in SOLR_ONLY or name.endswith(_SOLR_ONLY_SUFFIXES)

MAPPED = _names("""
id title title_full title_short title_sub title_alt title_old title_new author author_role
author2 author2_role author_corporate author_corporate_role author_additional publisher
publication_place publishDate language topic genre geographic era description contents
format url isbn issn doi_str_mv oclc_num lccn container_title container_volume container_issue
container_start_page series series2 physical edition institution collection building
record_format callnumber-a dewey-full dewey-raw
""")

# Single-valued fields of the schema (staff view: continuation lines extend the value).
SINGLE_VALUED = frozenset({
    "id", "_version_", "fullrecord", "title", "title_sort", "title_sub", "title_short",
    "title_full", "title_full_unstemmed", "title_auth", "author_sort", "publishDateSort",
    "edition", "description", "thumbnail", "lccn", "callnumber-first", "callnumber-subject",
    "callnumber-label", "callnumber-sort", "dewey-sort", "illustrated", "container_title",
    "container_volume", "container_issue", "container_start_page", "container_reference",
    "hierarchytype", "is_hierarchy_id", "is_hierarchy_title", "recordtype", "record_format",
    "first_indexed", "last_indexed",
})
