"""A versioned, reproducible linked-data release: :func:`build_release` writes the folder
``{out_dir}/{version}``, the same bytes for the same inputs and issue date. One module per kind of
artefact, named after what it makes:

- ``graph.ttl``, ``graph.nt``, ``graph.nq``, ``graph.rdf``, ``graph.jsonld``: the graph in each
  syntax, blank nodes labelled canonically; ``graph.nt`` by the sorted N-Triples writer of
  ``itugraph export`` (:mod:`.dumps`)
- ``itugraph.context.jsonld``, ``initiatives.jsonld``: the JSON-LD context and the regional
  initiatives framed with their expected results (:mod:`.jsonld`)
- ``ontology.ttl``, ``shapes.ttl``: the ontology and the SHACL shapes, each one Turtle file
  (:mod:`.schemas`)
- ``ontology.html``: the ontology documented by pyLODE (:mod:`.ontology_page`)
- ``validation-report.ttl``: the SHACL validation report (:mod:`.validation_report`)
- ``dataset.ttl``, ``SHA256SUMS``: the VoID and DCAT description, and the checksums
  (:mod:`.description`)
- ``index.html``: the landing page listing every file (:mod:`.index_page`)
- ``changes.md``, ``changes.json``, only with a previous release (``--previous DIR``): the changes
  from it, the reports of ``itugraph diff`` (:mod:`.changes`); dataset.ttl then links it
  (``dcat:previousVersion``, ``prov:wasRevisionOf``)

:mod:`.build` checks the version and date, and writes the folder whole or not at all."""

from .build import ReleaseError, build_release, check_version

__all__ = ["ReleaseError", "build_release", "check_version"]
