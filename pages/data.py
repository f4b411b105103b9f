"""Data: import the actors' exports, check them before they land, undo an import, and
see the data quality per actor. All logic is in ``est_data.ingest``."""
import streamlit as st

from est_data.store import audit
from est_data.core import auth, fmt, taxonomy
from est_data.webui import cache, sidebar, signin, style
from est_data.core.config import MAX_UPLOAD_MB, db_path
from est_data.ingest import IngestError, pipeline, quality, recategorize, report as rpt, service
from est_data.ingest.profiles import ACTOR_KINDS

COUNTS = {"Antal": fmt.num}  # Swedish thousands in the import report's count tables

user = signin.require(auth.WRITE)
sidebar.keep_filter_state()
NEW_ACTOR = "__ny__"
NONE = "— ingen —"

st.title("Data")
st.caption("Här landar aktörernas egna exporter i den gemensamma lägesbilden: varje fil "
           "kontrolleras innan den sparas, samma händelse räknas bara en gång och en import "
           "kan ångras. Personnummer, telefonnummer och e-postadresser i fritext maskeras.")

tab_import, tab_history, tab_quality, tab_words, tab_audit = st.tabs(
    ["Importera fil", "Importhistorik", "Datakvalitet per aktör", "Okända kategoriord",
     "Ändringslogg"])


@st.cache_data(max_entries=8, show_spinner="Läser filen …")
def _preview(path: str, source: str, sheet: str | None, size: int,
             profile_stamp: int) -> service.Preview:
    return service.preview_file(path, source, sheet)


def _progress_callback(bar):
    return lambda fraction, step: bar.progress(
        min(max(fraction, 0.0), 1.0), text=pipeline.STEPS.get(step, ("", step))[1])


def _show_report(r: rpt.ImportReport) -> None:
    cols = st.columns(len(rpt.summary_metrics(r)))
    for col, (label, value, help_text) in zip(cols, rpt.summary_metrics(r)):
        col.metric(label, fmt.num(value), help=help_text)
    if r.rows_repeated_in_file:
        st.caption(f"{fmt.num(r.rows_repeated_in_file)} id förekom flera gånger i filen; "
                   "den senaste versionen används.")
    left, right = st.columns(2)
    with left:
        if r.rejected_reasons:
            st.markdown("**Avvisade rader**")
            style.table(fmt.styled(rpt.counts_table(r.rejected_reasons, "Skäl"), COUNTS))
            with st.expander("Exempel på avvisade rader"):
                style.table(rpt.rejected_sample_table(r))
        if r.skipped:
            st.markdown("**Överhoppade rader**")
            style.table(fmt.styled(rpt.counts_table(r.skipped, "Skäl"), COUNTS))
        if r.unknown_categories:
            st.markdown("**Okända kategoriord** (sparas som Övrigt)")
            style.table(fmt.styled(rpt.counts_table(r.unknown_categories, "Aktörens ord"), COUNTS))
            st.caption("Ge orden en kategori under fliken Okända kategoriord när filen är "
                       "importerad, eller lägg till dem i `est_data/core/taxonomy.toml`.")
        if r.category_rules:
            with st.expander("Kategoriord och regeln som gav kategorin"):
                style.table(fmt.styled(rpt.category_rules_table(r, taxonomy.labels()), COUNTS))
    with right:
        st.markdown("**Plats och tid**")
        style.table(fmt.styled(rpt.location_table(r), COUNTS))
        if r.categories:
            st.markdown("**Kategorier**")
            style.table(fmt.styled(rpt.counts_table(r.categories, "Kategori", taxonomy.labels()),
                                COUNTS))
        if r.values_masked:
            st.markdown("**Maskerade personuppgifter**")
            style.table(fmt.styled(rpt.counts_table(r.masked, "Uppgift", rpt.MASKED_SV), COUNTS))


with tab_import:
    service.sweep_uploads()  # files of previews whose import never came go after a day
    if "data_done" in st.session_state:
        st.success(st.session_state.pop("data_done"))
    choices = cache.read(service.actor_choices)
    options = list(choices) + [NEW_ACTOR]
    c1, c2 = st.columns([2, 3])
    source = c1.selectbox("Aktör", options, key="data_actor", index=None,
                          placeholder="Välj aktören som filen kommer från",
                          format_func=lambda k: "Ny aktör …" if k == NEW_ACTOR else choices[k])
    actor_name, actor_kind = (choices.get(source), None)
    if source == NEW_ACTOR:
        n1, n2 = c2.columns(2)
        actor_name = n1.text_input("Den nya aktörens namn", key="data_new_name",
                                   placeholder="t.ex. Bostadsbolaget Öst")
        actor_kind = n2.selectbox("Slag av aktör", ACTOR_KINDS, key="data_new_kind")
        source = service.actor_key(actor_name or "")
        if actor_name and source:
            c2.caption(f"Aktörens nyckel blir `{source}`.")
    upload = st.file_uploader(
        f"Exportfil: CSV/text, Excel (XLSX) eller Polisens händelseflöde (JSON), högst "
        f"{MAX_UPLOAD_MB} MB", type=["csv", "txt", "tsv", "xlsx", "json"],
        key=f"data_upload_{st.session_state.get('data_upload_round', 0)}")
    if upload is None:
        st.info("Välj aktör och ladda upp en exportfil. Filen kontrolleras och visas innan "
                "något sparas.")
    elif upload.size > MAX_UPLOAD_MB * 1024 * 1024:
        st.error(f"Filen är {fmt.num(upload.size / 1024 / 1024, 1)} MB; gränsen här är "
                 f"{MAX_UPLOAD_MB} MB. Större filer importeras med "
                 "`python -m est_data import FIL --source AKTÖR`.")
    elif not source:
        st.warning("Välj aktören som filen kommer från (eller skriv den nya aktörens namn) "
                   "först.")
    else:
        path = service.keep_upload(upload.name, upload.getvalue())
        # The sheet the person picked; the one the reader picked itself stays unnamed, so
        # the preview keeps saying it was chosen as the one that looks like a table.
        sheet_pick = st.session_state.get(f"data_sheet_{path.stem}")
        if sheet_pick == st.session_state.get(f"data_auto_sheet_{path.stem}"):
            sheet_pick = None
        try:
            preview = _preview(str(path), source, sheet_pick, upload.size,
                               service.profile_stamp(source))
            if sheet_pick is None:
                st.session_state[f"data_auto_sheet_{path.stem}"] = preview.sheet
        except IngestError as exc:
            st.error(f"**Filen kan inte läsas.** {exc.sv}")
            st.stop()
        if len(preview.sheets) > 1:
            st.selectbox("Blad i arbetsboken", preview.sheets, key=f"data_sheet_{path.stem}",
                         index=preview.sheets.index(preview.sheet))
        st.markdown(f"**{upload.name}**: {preview.file_format}, "
                    f"{fmt.num(preview.rows)} rader.")
        style.table(preview.head)
        mapping = None
        if preview.police_feed:
            st.info("Polisens händelseflöde: händelsens tid läses ur titeln. Platsen är bara "
                    "kommunen, eller området när sammanfattningen nämner ett enda område "
                    "(\"Torvalla, ...\"); händelserna ritas aldrig som punkter. Andra kommuner "
                    "och typer som inte är EST-händelser hoppas över enligt profilen "
                    "`polisen_handelser`.")
        else:
            st.subheader("Kolumner")
            st.caption(f"Förslaget kommer från {preview.mapping_source}. Rätta vid behov; "
                       "fält med * krävs (datum eller datum och tid, samt kategori).")
            labels = service.field_labels()
            mapping = {}
            grid = st.columns(3)
            for i, (field, label) in enumerate(labels.items()):
                required = field in ("date", "datetime", "category")
                cols = [NONE] + preview.columns
                current = preview.mapping.get(field)
                choice = grid[i % 3].selectbox(
                    label + (" *" if required else ""), cols,
                    index=cols.index(current) if current in cols else 0,
                    key=f"data_map_{source}_{field}")
                mapping[field] = "" if choice == NONE else choice
            if preview.guess is not None:
                with st.expander("Varför dessa kolumner?", expanded=True):
                    st.caption("Ingen profil finns för aktören: kolumnerna valdes utifrån både "
                               "rubrikerna och värdena i filens första rader.")
                    style.table(service.evidence_table(preview, mapping))
            if not service.required_ok(mapping):
                st.warning("Ange vilken kolumn som innehåller **datum** (eller datum och tid) "
                            "och vilken som innehåller **kategori**.")
            if st.button("Spara som aktörens profil", key="data_save_profile",
                         disabled=not service.required_ok(mapping)):
                saved = service.save_mapping_as_profile(source, actor_name or source,
                                                        actor_kind or "annan", mapping)
                st.success(f"Profilen sparades i `{saved.name}`. Nästa fil från aktören "
                           "läses på samma sätt.")
        ready = preview.police_feed or service.required_ok(mapping)
        sheet = preview.sheet if len(preview.sheets) > 1 else None
        state_key = (str(path), source, sheet, tuple(sorted((mapping or {}).items())))
        if st.button("Kontrollera filen", type="primary", disabled=not ready, key="data_check"):
            bar = st.progress(0.0, text="Kontrollerar …")
            try:
                st.session_state.data_checked = (state_key, service.check_file(
                    db_path(), path, source, mapping, upload.name, actor_name, sheet,
                    progress=_progress_callback(bar)))
            except IngestError as exc:
                st.session_state.pop("data_checked", None)
                st.error(f"**Filen kan inte importeras.** {exc.sv}")
            bar.empty()
        checked = st.session_state.get("data_checked")
        if checked and checked[0] == state_key:
            report = checked[1]
            st.subheader("Kontroll före import")
            st.caption("Inget är sparat ännu. Så här skulle importen bli:")
            _show_report(report)
            # The CLI's reasons to stop a guessed mapping: each must be seen first.
            questions = service.open_questions(preview, mapping or {}, report)
            seen = [st.checkbox(f"{q.sv} Jag har sett detta och vill importera ändå.",
                                key=f"data_q_{q.code}_{i}") for i, q in enumerate(questions)]
            if questions and not all(seen):
                st.warning("Besvara frågorna ovan (eller rätta kolumnerna) innan importen.")
            # Issue 13, item 8: rows placed outside the municipality were rejected in the
            # check; only then may the admin take them in, as points without area.
            outside = report.location.get("outside", 0)
            accept_outside = bool(outside) and st.checkbox(
                f"Ta med {fmt.num(outside)} rader med plats utanför kommunen (som punkter "
                "utan område; de räknas i kommunens totaler men i inget område)",
                key="data_accept_outside")
            todo = report.rows_new + report.rows_updated + (outside if accept_outside else 0)
            if st.button(f"Importera {fmt.num(todo)} händelser", type="primary",
                         key="data_commit", disabled=todo == 0 or not all(seen)):
                bar = st.progress(0.0, text="Importerar …")
                try:
                    done = service.commit_file(db_path(), path, source, mapping, upload.name,
                                               actor_name, actor_kind, sheet,
                                               progress=_progress_callback(bar),
                                               username=user.username,
                                               accept_outside=accept_outside)
                except IngestError as exc:
                    st.error(f"**Importen avbröts; inget sparades.** {exc.sv}")
                else:
                    st.session_state.pop("data_checked", None)
                    # The file is in the database and kept under raw/: the upload goes,
                    # and a new uploader (a new key) takes the next file.
                    service.discard_upload(path)
                    st.session_state.data_upload_round = (
                        st.session_state.get("data_upload_round", 0) + 1)
                    st.session_state.data_done = (
                        f"Importen är klar: {fmt.num(done.rows_new)} nya och "
                        f"{fmt.num(done.rows_updated)} uppdaterade händelser från "
                        f"{done.file_name} (import {done.batch_id}). Den syns i "
                        "importhistoriken och kan ångras där.")
                    st.rerun()
                bar.empty()
            elif todo == 0:
                st.info("Filen innehåller inget nytt: allt är redan importerat.")

with tab_history:
    hist = cache.read(pipeline.history)
    if hist.empty:
        st.info("Inga importer ännu.")
    else:
        counts = ["rows_read", "rows_imported", "rows_updated", "rows_unchanged", "rows_duplicate",
                  "rows_rejected", "rows_skipped", "values_masked"]
        style.table(
            fmt.styled(hist[["imported_at", "actor", "file_name", *counts, "undone_at", "batch_id"]],
                       {**{c: fmt.num for c in counts},
                        "imported_at": fmt.datetime_min, "undone_at": fmt.datetime_min}),
            column_config={
                "imported_at": st.column_config.DatetimeColumn("Importerad"),
                "actor": "Aktör", "file_name": "Fil",
                "rows_read": st.column_config.NumberColumn("Rader"),
                "rows_imported": st.column_config.NumberColumn("Nya"),
                "rows_updated": st.column_config.NumberColumn("Uppdaterade"),
                "rows_unchanged": st.column_config.NumberColumn("Redan importerade"),
                "rows_duplicate": st.column_config.NumberColumn("Dubbletter"),
                "rows_rejected": st.column_config.NumberColumn("Avvisade"),
                "rows_skipped": st.column_config.NumberColumn("Överhoppade"),
                "values_masked": st.column_config.NumberColumn("Maskerade"),
                "undone_at": st.column_config.DatetimeColumn("Ångrad"),
                "batch_id": "Import-id",
            })
        labels = cache.read(service.undoable_imports)
        if labels:
            st.subheader("Granska eller ångra en import")
            batch = st.selectbox("Import", list(labels), format_func=labels.get, key="data_batch")
            stored = cache.read(pipeline.batch_report, batch)
            if stored is not None:
                with st.expander("Importrapport"):
                    _show_report(stored)
            rejected = cache.read(quality.rejected_rows, batch)
            if not rejected.empty:
                with st.expander(f"Avvisade rader ({fmt.num(len(rejected))})"):
                    style.table(rejected.rename(columns={"row_number": "Rad", "reason": "Skäl",
                                                          "raw": "Raden i filen"}))
            sure = st.checkbox("Ja, ta bort händelserna från den här importen (uppdaterade "
                               "händelser får tillbaka sin tidigare version)", key="data_sure")
            if st.button("Ångra importen", disabled=not sure, key="data_undo"):
                try:
                    removed = service.undo_import(db_path(), batch, username=user.username)
                except IngestError as exc:
                    st.error(exc.sv)
                else:
                    st.success(f"Importen är ångrad: {fmt.num(removed)} händelser togs bort.")

with tab_quality:
    q = cache.read(quality.quality_by_actor)
    if q.empty:
        st.info("Inga händelser ännu.")
    else:
        shown = q.drop(columns=["source", "last_incident"])
        style.table(
            fmt.styled(shown, {**{c: fmt.share for c in shown.columns if c.startswith("pct_")},
                               "incidents": fmt.num, "rows_rejected": fmt.num, "imports": fmt.num,
                               "last_import": fmt.date}),
            column_config={
                "actor": "Aktör",
                "incidents": st.column_config.NumberColumn("Händelser"),
                "pct_no_point": st.column_config.NumberColumn(
                    "Utan koordinat",
                    help="Andel utan punkt på kartan (bara adress, område eller kommun)."),
                "pct_municipality_only": st.column_config.NumberColumn(
                    "Bara kommunnivå",
                    help="Andel som bara är kända på kommunnivå."),
                "pct_unknown_category": st.column_config.NumberColumn(
                    "Övrigt/okänd kategori",
                    help="Andel med kategorin Övrigt, oftast ord som saknas i taxonomin."),
                "pct_duplicates": st.column_config.NumberColumn(
                    "Dubbletter",
                    help="Andel som är samma händelse som en annan aktörs tidigare rapport."),
                "pct_no_time": st.column_config.NumberColumn(
                    "Utan klockslag"),
                "rows_rejected": st.column_config.NumberColumn("Avvisade rader"),
                "pct_rejected": st.column_config.NumberColumn(
                    "Avvisade", help="Andel av de inlästa raderna."),
                "imports": st.column_config.NumberColumn("Importer"),
                "last_import": st.column_config.DatetimeColumn("Senaste import"),
            })
        st.caption("Andelar av aktörens händelser i databasen; avvisade rader räknas av de "
                   "rader som lästs in (ångrade importer oräknade).")

def _category_words() -> None:
    """The stored words without a category; the admin gives each one a category."""
    if "data_words_done" in st.session_state:
        st.success(st.session_state.pop("data_words_done"))
    words = cache.read(recategorize.unmapped_words)
    st.caption("Aktörernas kategoriord som inte fick någon kategori (okända eller tvetydiga "
               "ord) och därför räknas som Övrigt. Välj en kategori: händelserna med ordet "
               "klassas om direkt och ordet sparas i aktörens profil för nästa import.")
    if words.empty:
        st.info("Alla lagrade kategoriord har en kategori.")
        return
    labels = taxonomy.labels()
    style.table(fmt.styled(recategorize.unmapped_table(words, labels), COUNTS),
                column_config={"Senast": st.column_config.DatetimeColumn(
                    "Senast", format="YYYY-MM-DD")})
    codes = list(labels)
    for _, row in words.head(recategorize.WORDS_SHOWN).iterrows():
        key = recategorize.word_key(row["source"], row["raw_category"])
        guess = row["suggestion"] or (row["candidates"][0] if len(row["candidates"]) else None)
        left, right = st.columns([4, 1], vertical_alignment="bottom")
        code = left.selectbox(
            f"{row['raw_category']} ({row['actor']}, {fmt.num(row['count'])} händelser)",
            codes, index=codes.index(guess) if guess in codes else None,
            format_func=labels.get, placeholder="Välj kategori", key=f"data_word_{key}")
        if right.button("Spara", key=f"data_word_save_{key}", disabled=code is None):
            try:
                done = recategorize.recategorize(db_path(), row["source"], row["raw_category"],
                                                 code, user.username)
            except IngestError as exc:
                st.error(exc.sv)
            else:
                st.session_state.data_words_done = (
                    f"{fmt.num(done.incidents)} händelser med ordet \"{row['raw_category']}\" "
                    f"är nu {labels[code]}; ordet sparades i aktörens profil.")
                st.rerun()


with tab_words:
    _category_words()

with tab_audit:
    log = cache.read(audit.recent, 500)
    st.caption("Varje ändring av databasen (import, ångrad import, insatser, möten, gallring) "
               "med vem och när. De senaste 500 visas.")
    if log.empty:
        st.info("Inga ändringar är loggade ännu.")
    else:
        style.table(log, column_config={
            "logged_at": st.column_config.DatetimeColumn("Tid", format="YYYY-MM-DD HH:mm:ss"),
            "username": "Vem", "action": "Vad", "details": st.column_config.TextColumn(
                "Detaljer", width="large")})
