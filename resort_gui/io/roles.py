"""Propose column roles for the import panel, from the column names (English and Italian,
with some German, French and Spanish) and from the values (dates, 0/1, yes/no, few levels).

A guess is only a proposal: the spec records what the user confirmed. No Qt here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from resort_gui.io.cells import (
    NO_WORDS,
    YES_WORDS,
    cell_text,
    event_values_in,
    holds_no_event,
    is_number,
    natural_key,
)
from resort_gui.io.dates import looks_like_dates

SAMPLE_ROWS = 2000  # values are judged on the first rows only: guessing must stay instant
MAX_LEVELS = 10  # a grouping column has at most this many distinct values

TIME_WORDS = frozenset({
    "time", "times", "month", "months", "mesi", "mese", "day", "days", "giorni", "week", "weeks",
    "settimane", "year", "years", "anni", "rfs", "os", "pfs", "dfs", "efs", "ttp", "ttf", "ttr",
    "followup", "follow", "fu", "tempo", "durata", "duration", "survival", "sopravvivenza",
    "zeit", "monate", "mois", "temps", "tiempo", "meses",
})
EVENT_WORDS = frozenset({
    "event", "events", "status", "stato", "stat", "censor", "censored", "cens", "censoring",
    "evento", "eventi", "failure", "vital", "ereignis", "evenement", "estado", "cnsr",
    "censura", "censurato",
})
CENSOR_WORDS = frozenset({  # 1 (yes) means censored: ADaM's CNSR (0 = event), "alive"
    "cnsr", "censor", "censored", "cens", "censoring", "censura", "censurato", "alive", "vivo",
})
RECURRENCE_WORDS = frozenset({
    "relapse", "relapsed", "recurrence", "recurred", "recur", "rec", "progression",
    "progressed", "recidiva", "ricaduta", "progressione", "rezidiv", "recidive",
    "recaida", "rfs", "pfs", "dfs", "efs",
})
DEATH_WORDS = frozenset({
    "death", "dead", "died", "deceased", "decesso", "morte", "morto", "deceduto", "exitus",
    "tod", "verstorben", "deces", "muerte", "fallecido", "os", "alive",
})
GROUP_WORDS = frozenset({
    "arm", "arms", "group", "groups", "treatment", "trt", "rx", "braccio", "trattamento",
    "gruppo", "allocation", "allocazione", "therapy", "terapia", "cohort", "coorte", "gruppe",
    "behandlung", "bras", "traitement", "groupe", "brazo", "tratamiento", "grupo",
})
ID_WORDS = frozenset({
    "id", "patient", "patients", "patientid", "pid", "patid", "subject", "subjid", "usubjid",
    "paziente", "pazienti", "codice", "code", "case", "record", "soggetto", "patientnr",
})
DATE_WORDS = frozenset({"date", "data", "dt", "datum", "fecha", "giorno"})
START_WORDS = frozenset({
    "randomisation", "randomization", "randomised", "randomized", "random", "rand",
    "randomizzazione", "enrolment", "enrollment", "enrol", "enroll", "arruolamento",
    "inclusion", "inclusione", "registration", "registrazione", "start", "inizio", "baseline",
    "entry", "randomisierung", "aleatorisation", "aleatorizacion",
})
CONTACT_WORDS = frozenset({
    "last", "contact", "lastcontact", "lfu", "ultimo", "contatto", "followup", "fu", "letzter",
    "kontakt", "dernier",
})
NOT_TIME_WORDS = frozenset({"age", "eta", "alter", "edad", "weight", "peso", "height", "bmi"})


@dataclass(frozen=True)
class EventGuess:
    """A proposed event column: ``values`` are the cells proposed to mean "the event happened"
    (empty when the coding is not yes/no or 0/1: the user must choose among ``found``), and
    ``date`` the proposed column with its date (None if none fits)."""

    column: str
    values: tuple[str, ...]
    found: tuple[str, ...]
    date: str | None


@dataclass(frozen=True)
class RoleGuess:
    """Proposed roles; every field may be empty. ``events`` lists the event candidates, the
    most likely first (recurrence-like before death-like: RFS-style composites read in that
    order). ``stop_dates`` are the date columns other than ``start``; ``dates`` every column
    that holds dates; ``strata`` the other columns with few levels."""

    patient_id: str | None
    time: str | None
    start: str | None
    events: tuple[EventGuess, ...]
    last_contact: str | None
    stop_dates: tuple[str, ...]
    group: str | None
    strata: tuple[str, ...]
    dates: tuple[str, ...]


def guess_roles(frame: pd.DataFrame, labels: Mapping[str, str] | None = None) -> RoleGuess:
    """Propose roles for the columns of ``frame`` (column names must be text). ``labels`` are
    variable labels (SPSS/Stata) that are searched for words too."""
    sample = frame.head(SAMPLE_ROWS)
    words = {c: name_words(c, (labels or {}).get(c, "")) for c in frame.columns}
    texts = {c: cell_text(sample[c]) for c in frame.columns}
    dates = tuple(c for c in frame.columns if looks_like_dates(sample[c]))
    events = _events(frame.columns, words, texts, dates)
    event_columns = {e.column for e in events}
    patient_id = _patient_id(frame.columns, words, texts, sample, dates)
    time = _time(frame.columns, words, sample, texts, set(dates) | event_columns, events)
    start = _first(dates, words, START_WORDS) or (dates[0] if dates else None)
    stop_dates = tuple(d for d in dates if d != start)
    taken = {patient_id, time, *event_columns, *dates}
    levelled = [c for c in frame.columns if c not in taken and _few_levels(texts[c])]
    group = _first(levelled, words, GROUP_WORDS) or next(
        (c for c in levelled if not any(map(is_number, _distinct(texts[c])))), None)
    strata = tuple(c for c in frame.columns
                   if c not in taken | {group} and _few_levels(texts[c])
                   and not (words[c] & (TIME_WORDS | NOT_TIME_WORDS)))
    return RoleGuess(patient_id=patient_id, time=time, start=start, events=events,
                     last_contact=_first(stop_dates, words, CONTACT_WORDS),
                     stop_dates=stop_dates, group=group, strata=strata, dates=dates)


def proposed_event_values(column: str, found: list[str],
                          words: frozenset[str] | None = None) -> tuple[str, ...] | None:
    """The values of ``column`` that mean "the event happened", or None when the user must
    say: yes/1 in a yes/no or 0/1 column; but 0/no in a column named like a censoring flag
    (ADaM's CNSR, "censored", "censura") or "alive", where 1 or any positive code means
    censored."""
    if (words if words is not None else name_words(column)) & CENSOR_WORDS:
        return censoring_event_values(found)
    return event_values_in(found)


def is_death_column(column: str) -> bool:
    """An event column about death (death, dead, decesso, exitus, OS...), not "alive"."""
    words = name_words(column)
    return bool(words & DEATH_WORDS) and not words & CENSOR_WORDS


def reads_as_censoring(column: str) -> bool:
    return bool(name_words(column) & CENSOR_WORDS)


def censoring_event_values(found: list[str]) -> tuple[str, ...] | None:
    """The 0/no values of a censoring flag whose other values are yes or whole numbers."""
    folded = [v.casefold() for v in found]
    event = tuple(v for v, f in zip(found, folded, strict=True) if f in NO_WORDS)
    others = [f for f in folded if f not in NO_WORDS]
    if event and others and all(f in YES_WORDS or f.isdigit() for f in others):
        return event
    return None


def name_words(name: str, label: str = "") -> frozenset[str]:
    """Lower-case, accent-free words of a column name (camelCase and snake_case split)."""
    spaced = re.sub(r"([a-z])([A-Z])|([A-Z])([A-Z][a-z])", r"\1\3 \2\4", f"{name} {label}")
    plain = unicodedata.normalize("NFKD", spaced.casefold()).encode("ascii", "ignore").decode()
    words = set(re.findall(r"[a-z]+", plain))
    words |= {w[:-4] for w in words if w.endswith("time") and len(w) > 4}  # futime, rfstime
    if any(w.endswith("time") for w in words):
        words.add("time")
    if any(w.endswith("stat") for w in words):  # fustat, vitalstat
        words.add("status")
    if {"follow", "up"} <= words:
        words.add("followup")
    return frozenset(words)


def _first(columns: Iterable[str], words: Mapping[str, frozenset[str]],
           wanted: frozenset[str]) -> str | None:
    return next((c for c in columns if words[c] & wanted), None)


def _distinct(text: pd.Series, limit: int = MAX_LEVELS + 1) -> list[str]:
    return sorted(text.dropna().unique()[:limit].tolist(), key=natural_key)


def _few_levels(text: pd.Series) -> bool:
    return 2 <= len(_distinct(text)) <= MAX_LEVELS


def _events(columns: pd.Index, words: Mapping[str, frozenset[str]],
            texts: Mapping[str, pd.Series], dates: tuple[str, ...]) -> tuple[EventGuess, ...]:
    candidates = []
    for column in columns:
        if column in dates:
            continue
        found = _distinct(texts[column])
        coded = proposed_event_values(column, found, words[column])
        named = bool(words[column] & (EVENT_WORDS | RECURRENCE_WORDS | DEATH_WORDS))
        no_event_yet = named and holds_no_event(found)
        if (coded is not None and (named or len(found) == 2)) or (named and 2 <= len(found) <= 4) \
                or no_event_yet:
            rank = 0 if words[column] & RECURRENCE_WORDS else 2 if words[column] & DEATH_WORDS \
                else 1
            rank += 0 if named else 3
            candidates.append((rank, EventGuess(column, coded or (), tuple(found),
                                                _event_date(column, words, dates))))
    return tuple(guess for _, guess in sorted(candidates, key=lambda c: c[0]))


def _event_date(column: str, words: Mapping[str, frozenset[str]],
                dates: tuple[str, ...]) -> str | None:
    """The date column that names the same kind of event (recurrence, death...)."""
    for kind in (RECURRENCE_WORDS, DEATH_WORDS):
        if words[column] & kind:
            return next((d for d in dates if words[d] & kind), None)
    return next((d for d in dates if words[d] & (words[column] - DATE_WORDS - EVENT_WORDS)),
                None)


def _patient_id(columns: pd.Index, words: Mapping[str, frozenset[str]],
                texts: Mapping[str, pd.Series], sample: pd.DataFrame,
                dates: tuple[str, ...]) -> str | None:
    def unique(column: str) -> bool:
        text = texts[column]
        return text.notna().all() and text.is_unique and column not in dates \
            and sample[column].dtype.kind != "f"

    named = _first((c for c in columns if unique(c)), words, ID_WORDS)
    if named or not len(columns):
        return named
    first = columns[0]
    plain = not words[first] & (TIME_WORDS | EVENT_WORDS | RECURRENCE_WORDS | DEATH_WORDS)
    return first if plain and unique(first) and len(sample) > MAX_LEVELS else None


def _time(columns: pd.Index, words: Mapping[str, frozenset[str]], sample: pd.DataFrame,
          texts: Mapping[str, pd.Series], taken: set[str],
          events: tuple[EventGuess, ...]) -> str | None:
    def durations(column: str) -> bool:
        numbers = pd.to_numeric(texts[column].dropna(), errors="coerce")
        return len(numbers) > 0 and numbers.notna().mean() >= 0.9 and (numbers >= 0).all() \
            and numbers.nunique() > 2

    candidates = [c for c in columns if c not in taken and words[c] & TIME_WORDS
                  and not words[c] & (NOT_TIME_WORDS | ID_WORDS) and durations(c)]
    if events:  # prefer the time that shares an endpoint word with the first event (rfs_*)
        shared = [c for c in candidates
                  if words[c] & words[events[0].column] & (RECURRENCE_WORDS | DEATH_WORDS)]
        candidates = shared or candidates
    return candidates[0] if candidates else None


__all__ = ["EventGuess", "RoleGuess", "guess_roles", "is_death_column", "name_words",
           "proposed_event_values", "reads_as_censoring"]
