"""The relator terms catalogues write that the LoC relator list lacks, to their MARC
relator codes: terms in other languages and the older cataloguing rules' designations.
Data only, apart so the rules of :mod:`ld.mapping_terms` read on one screen (as
:mod:`ld.mapping_language_tables` is for languages).
"""

from __future__ import annotations

# Terms catalogues write in other languages (VuFind's author2_role, MARC $e), and
# AACR2's designations (21.0D: "comp.", "ed.", "ill.", "tr.", and "joint ..."), the
# bulk of pre-RDA 7XX $e: a role a table did not know was dropped, leaving a plain
# contributor (an AACR2 editor was in no bibo:editorList, so no citation named him).
OTHER_TERMS: dict[str, str] = {
    "ed": "edt", "eds": "edt", "joint ed": "edt", "joint eds": "edt", "comp": "com",
    "comps": "com", "joint comp": "com", "tr": "trl", "trans": "trl", "joint tr": "trl",
    "joint ill": "ill", "joint author": "aut", "opponent": "opn", "directeur de thèse": "ths",
    "directrice de thèse": "ths", "traducteur": "trl", "traductrice": "trl",
    "übersetzer": "trl", "kääntäjä": "trl", "herausgeber": "edt", "toimittaja": "edt",
    "éditeur scientifique": "edt", "illustrateur": "ill", "kuvittaja": "ill",
    "vastaväittäjä": "opn", "ohjaaja": "ths", "betreuer": "ths",
    "author of introduction": "aui",  # the LoC list says "author of introduction, etc."
    # AACR1 and older LC forms (explore12/marc M1: "illus." was 14 of 20,000 LoC records),
    # and the words for an author that _CREATOR_ROLES of the MARC reader knew
    "illus": "ill", "joint illus": "ill", "joint editor": "edt",
    "joint editors": "edt", "jt. ed": "edt", "joint compiler": "com", "joint translator": "trl",
    "transl": "trl", "jt. author": "aut", "joint authors": "aut", "pub": "pbl", "publ": "pbl",
    "sponsoring body": "spn", "introd": "aui", "pref": "wpr",
    "engr": "egr", "kirjoittaja": "aut", "verfasser": "aut", "auteur": "aut",
}
