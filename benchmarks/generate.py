"""Realistic, partly Italian customer conversations: the demo data set and the benchmark load.

One generator serves both: ``python benchmarks/generate.py --demo resources/demo/demo.json``
writes the small data set the app ships for its demo, and the store benchmark
(``benchmarks/bench_store.py``) streams a million messages from the same code
straight into the real ingest service as connector batches.

What the data looks like, because the store's hard cases live there:

* N customers over four channels: email, chat (WhatsApp/Telegram-like people
  reached through a Matrix bridge, or native Matrix users), social
  (Mastodon-like mentions) and reviews. Many people use several channels; the
  same person writing by email and by chat is linked by a phone number carried
  as an extra identity (an email signature, a WhatsApp bridge), so the store
  merges them into one customer.
* Threads with replies (``in_reply_to`` / references), outbound replies from
  the agents as the channel shows them again (Sent folder, chat echo),
  auto-replies (out-of-office) that must never open a case.
* Text mostly in Italian with accents (perché, città, già, più...), some in
  English, built from very common words (grazie, ordine, order...) and rare
  ones (product codes, unusual words), so search can be measured on both.
* One very active business customer (thousands of messages) for the timeline
  benchmark.

Everything is deterministic for a given seed: the same arguments give the same
items, byte for byte.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from connectors.base import Address, Batch, InboundItem  # noqa: E402

CHANNELS = ("email", "chat", "social", "review")

#: The shop the customers write to; the agents of the demo sign its replies.
SHOP_DOMAIN = "unisono-shop.example"
SUPPORT_EMAIL = f"assistenza@{SHOP_DOMAIN}"
CHAT_SERVER = "chat.unisono-shop.example"
SUPPORT_MATRIX = f"@assistenza:{CHAT_SERVER}"
SUPPORT_MASTODON = "@unisono@mastodon.example"
AGENT_FIRST_NAMES = ("Giulia", "Marco", "Emma")

#: Default end of the benchmark history (fixed, so a seed always means the same data).
BENCH_END = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)

# --------------------------------------------------------------------------- people

IT_FIRST = (
    "Giuseppe",
    "Maria",
    "Giovanni",
    "Anna",
    "Antonio",
    "Francesca",
    "Mario",
    "Lucia",
    "Luigi",
    "Chiara",
    "Francesco",
    "Sara",
    "Alessandro",
    "Paola",
    "Andrea",
    "Elena",
    "Stefano",
    "Laura",
    "Roberto",
    "Valentina",
    "Matteo",
    "Federica",
    "Lorenzo",
    "Martina",
    "Davide",
    "Silvia",
    "Niccolò",
    "Nicolò",
    "Ilaria",
    "Gabriele",
    "Caterina",
    "Simone",
    "Beatrice",
    "Riccardo",
    "Alessia",
    "Tommaso",
    "Noemi",
    "Pietro",
    "Aurora",
    "Emanuele",
    "Ludovica",
    "Raffaele",
)
IT_LAST = (
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "De Luca",
    "Mancini",
    "Costa",
    "Giordano",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "Barbieri",
    "Fontana",
    "Santoro",
    "Mariani",
    "Rinaldi",
    "Caruso",
    "Ferrara",
    "Galli",
    "Martini",
    "Leone",
    "Longo",
    "Gentile",
    "Martinelli",
    "Vitale",
    "Lombardo",
    "Serra",
    "Coppola",
    "De Santis",
    "D'Angelo",
    "Marchetti",
    "Parisi",
    "Villa",
    "Niccolò",
    "Fabbri",
    "Cattaneo",
    "Sanna",
    "Pellegrini",
    "Palumbo",
    "Benedetti",
    "Farina",
)
EN_FIRST = (
    "James",
    "Olivia",
    "William",
    "Emily",
    "Harry",
    "Sophie",
    "Thomas",
    "Charlotte",
    "George",
    "Amelia",
    "Jack",
    "Isla",
    "Daniel",
    "Grace",
    "Samuel",
    "Chloe",
    "Liam",
    "Hannah",
    "Noah",
    "Ruby",
    "Ethan",
    "Lucy",
    "Oscar",
    "Freya",
    "Henry",
    "Zoe",
)
EN_LAST = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "O'Brien",
    "Murphy",
    "Kelly",
    "Walsh",
    "Byrne",
    "Ryan",
)
MAIL_DOMAINS = (
    "gmail.com",
    "libero.it",
    "yahoo.it",
    "hotmail.it",
    "outlook.com",
    "tiscali.it",
    "virgilio.it",
    "alice.it",
    "fastwebnet.it",
    "icloud.com",
    "proton.me",
)
MASTODON_INSTANCES = (
    "mastodon.uno",
    "mastodon.social",
    "livellosegreto.it",
    "sociale.network",
    "mastodon.online",
    "mastodon.bida.im",
)
CITIES = (
    "Milano",
    "Roma",
    "Torino",
    "Napoli",
    "Bologna",
    "Firenze",
    "Genova",
    "Palermo",
    "Bari",
    "Verona",
    "Padova",
    "Trieste",
    "Cagliari",
    "Perugia",
    "Forlì",
    "Cantù",
)
# Mobile prefixes of Italian operators: real-looking, valid E.164 numbers.
IT_MOBILE = (
    "320",
    "328",
    "329",
    "333",
    "334",
    "335",
    "338",
    "339",
    "340",
    "345",
    "347",
    "348",
    "349",
    "350",
    "351",
    "366",
    "370",
    "377",
    "380",
    "388",
    "389",
    "391",
    "392",
    "393",
)


@dataclass(frozen=True)
class Person:
    """One human being; the store should end up with one customer per person it can link."""

    index: int
    first: str
    last: str
    lang: str  # "it" or "en"
    channels: tuple[str, ...]
    email: str
    phone: str  # E.164
    matrix: str
    mastodon: str
    reviewer: str
    #: the chat bridge carries the phone (WhatsApp) or not (Telegram, native Matrix)
    chat_has_phone: bool
    #: emails carry the phone in the signature (that is what links email and chat)
    email_has_phone: bool
    business: bool = False

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


def _ascii(value: str) -> str:
    table = str.maketrans("àèéìòùÀÈÉÌÒÙ'", "aeeiouAEEIOU ")
    return "".join(value.translate(table).lower().split())


def make_people(count: int, seed: int) -> list[Person]:
    """``count`` people with realistic identities; person 0 is a busy business customer."""
    rnd = random.Random(f"people-{seed}")
    people: list[Person] = []
    used_phones: set[str] = set()
    for index in range(count):
        lang = "it" if rnd.random() < 0.8 else "en"
        first = rnd.choice(IT_FIRST if lang == "it" else EN_FIRST)
        last = rnd.choice(IT_LAST if lang == "it" else EN_LAST)
        business = index == 0
        if business:
            first, last, lang = "Rossi Impianti", "s.r.l.", "it"
        roll = rnd.random()
        # How people really spread over channels (shares of all customers):
        if business:
            channels: tuple[str, ...] = ("email", "chat")
        elif roll < 0.38:
            channels = ("email",)
        elif roll < 0.53:
            channels = ("chat",)
        elif roll < 0.73:
            channels = ("email", "chat")
        elif roll < 0.78:
            channels = ("email", "social")
        elif roll < 0.86:
            channels = ("social",)
        elif roll < 0.93:
            channels = ("review",)
        else:
            channels = ("email", "chat", "review")
        while True:
            phone = f"+39{rnd.choice(IT_MOBILE)}{rnd.randrange(10**6, 10**7)}"
            if phone not in used_phones:
                used_phones.add(phone)
                break
        handle = f"{_ascii(first)}.{_ascii(last)}"
        if business:
            email = "amministrazione@rossi-impianti.example"
        else:
            email = f"{handle}{index}@{rnd.choice(MAIL_DOMAINS)}"
        chat_has_phone = business or rnd.random() < 0.7
        matrix = (
            f"@whatsapp_{phone[1:]}:{CHAT_SERVER}"
            if chat_has_phone
            else f"@{handle.replace('.', '_')}{index}:matrix.org"
        )
        people.append(
            Person(
                index=index,
                first=first,
                last=last,
                lang=lang,
                channels=channels,
                email=email,
                phone=phone,
                matrix=matrix,
                mastodon=f"@{_ascii(first)}{index}@{rnd.choice(MASTODON_INSTANCES)}",
                reviewer=f"gbp-{rnd.randrange(10**11, 10**12)}",
                chat_has_phone=chat_has_phone,
                email_has_phone=business or ("chat" in channels and rnd.random() < 0.85),
                business=business,
            )
        )
    return people


# --------------------------------------------------------------------------- words

# Topics: (subject, Italian body sentences, English subject, English body sentences)
IT_TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Ordine {order} non ancora arrivato",
        (
            "Ho fatto l'ordine {order} dieci giorni fa ma non è ancora arrivato.",
            "Il tracciamento dice che il pacco è già in consegna, però nessuno è passato.",
            "Potete dirmi perché la spedizione è così lenta?",
            "Abito a {city} e il corriere di solito arriva in due giorni.",
            "Mi serve entro venerdì, è un regalo.",
        ),
    ),
    (
        "Richiesta di reso per {product}",
        (
            "Vorrei restituire {product}, la taglia non va bene.",
            "La qualità è buona ma il colore è più scuro che nella foto.",
            "Come funziona il reso? Devo stampare l'etichetta io?",
            "Preferisco il rimborso sulla carta piuttosto che un buono.",
            "L'imballo originale ce l'ho ancora.",
        ),
    ),
    (
        "Fattura per l'ordine {order}",
        (
            "Mi servirebbe la fattura intestata alla mia ditta per l'ordine {order}.",
            "La partita IVA è {vat}, la sede è a {city}.",
            "Nella fattura precedente mancava il codice destinatario.",
            "Potete rimandarla anche via PEC?",
        ),
    ),
    (
        "{product} difettoso",
        (
            "{product} si è rotto dopo una settimana di utilizzo.",
            "Non si accende più, anche dopo averlo caricato tutta la notte.",
            "È ancora in garanzia, l'ho comprato il mese scorso.",
            "Vi allego le foto del difetto.",
            "Cosa posso fare? Lo mando in assistenza o me lo sostituite?",
        ),
    ),
    (
        "Rimborso non ricevuto",
        (
            "Ho restituito il pacco tre settimane fa ma il rimborso non è ancora arrivato.",
            "Sul sito risulta già ricevuto dal magazzino.",
            "Quanto tempo ci vuole di solito? È passato più di un mese.",
            "Vi prego di verificare, grazie.",
        ),
    ),
    (
        "Cambio indirizzo di consegna",
        (
            "Posso cambiare l'indirizzo di consegna dell'ordine {order}?",
            "Mi sono trasferito a {city} e non sarò più a casa mia.",
            "Va bene anche il punto di ritiro più vicino.",
        ),
    ),
    (
        "Disponibilità {product}",
        (
            "Quando sarà di nuovo disponibile {product}?",
            "Lo cerco da settimane ma è sempre esaurito.",
            "Potete avvisarmi appena arriva? Anche via WhatsApp va benissimo.",
            "C'è la possibilità di prenotarlo?",
        ),
    ),
    (
        "Problema con il pagamento",
        (
            "Il pagamento con la carta è stato rifiutato ma l'addebito risulta già fatto.",
            "Ho riprovato con PayPal e adesso vedo due addebiti.",
            "Non capisco perché, la carta funziona ovunque.",
            "Potete controllare e annullare quello in più?",
        ),
    ),
    (
        "Codice sconto non valido",
        (
            "Il codice sconto {code} non funziona al momento del pagamento.",
            "Dice che è scaduto ma la mail diceva valido fino a fine mese.",
            "È una novità della vostra città o vale ovunque?",
        ),
    ),
)
EN_TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Order {order} has not arrived",
        (
            "I placed order {order} ten days ago and it still has not arrived.",
            "The tracking page says the parcel is out for delivery, but nobody came.",
            "Could you tell me why shipping is taking so long?",
            "I need it by Friday, it is a present.",
        ),
    ),
    (
        "Return request for {product}",
        (
            "I would like to return {product}, the size is wrong.",
            "The quality is fine but the colour is darker than in the photo.",
            "How does the return work? Do I print the label myself?",
        ),
    ),
    (
        "{product} stopped working",
        (
            "{product} broke after one week.",
            "It does not switch on any more, even after charging it overnight.",
            "It is still under warranty, I bought it last month.",
            "What can I do? Should I send it for repair or will you replace it?",
        ),
    ),
    (
        "Refund not received",
        (
            "I sent the parcel back three weeks ago but the refund has not arrived yet.",
            "Your website says the warehouse already received it.",
            "How long does it usually take?",
        ),
    ),
    (
        "Invoice for order {order}",
        (
            "Could you send me an invoice for order {order} in my company's name?",
            "Our VAT number is {vat}.",
        ),
    ),
)
IT_GREETINGS = ("Buongiorno,", "Buonasera,", "Salve,", "Gentili signori,", "Ciao,", "Buongiorno a tutti,")
EN_GREETINGS = ("Hello,", "Hi,", "Good morning,", "Dear support team,")
IT_CLOSINGS = (
    "Grazie mille.",
    "Grazie e buona giornata.",
    "Cordiali saluti.",
    "Grazie in anticipo.",
    "Attendo una vostra risposta, grazie.",
    "Saluti.",
)
EN_CLOSINGS = ("Thank you.", "Many thanks.", "Kind regards.", "Thanks in advance.", "Best regards.")
IT_FOLLOWUPS = (
    "Grazie per la risposta, però il problema non è ancora risolto.",
    "Ho controllato di nuovo e non è cambiato niente.",
    "Perfetto, grazie! Allora aspetto il corriere.",
    "Scusate se insisto, ma non ho ancora ricevuto nulla.",
    "Vi ho mandato le foto, le avete ricevute?",
    "Va bene, procedo come mi avete detto.",
    "Ok grazie, gentilissimi.",
    "Potete richiamarmi al numero in firma? Sarebbe più semplice.",
    "Non trovo l'etichetta per il reso, potete rimandarla?",
)
EN_FOLLOWUPS = (
    "Thanks for your reply, but the problem is not solved yet.",
    "I checked again and nothing has changed.",
    "Perfect, thank you! I will wait for the courier then.",
    "Sorry to insist, but I still have not received anything.",
    "Great, thanks a lot.",
)
IT_AGENT = (
    "Gentile {first}, grazie per averci scritto.",
    "Ciao {first}, ci dispiace per il disagio.",
    "Buongiorno {first}, abbiamo verificato il suo ordine.",
)
IT_AGENT_BODY = (
    "Il pacco risulta in giacenza presso il corriere: lo riceverà entro due giorni lavorativi.",
    "Abbiamo già avviato il rimborso, lo vedrà sulla carta entro cinque giorni.",
    "Le abbiamo inviato l'etichetta per il reso: può lasciare il pacco in qualsiasi punto di ritiro.",
    "La fattura è allegata a questa email.",
    "Il prodotto sarà di nuovo disponibile la prossima settimana; la avviseremo noi.",
    "Abbiamo annullato l'addebito doppio: la banca lo renderà visibile in pochi giorni.",
    "Ci può mandare una foto del difetto? Così procediamo subito con la sostituzione.",
    "Il codice sconto è stato riattivato, può riprovare.",
)
EN_AGENT = ("Dear {first}, thank you for writing to us.", "Hi {first}, sorry for the trouble.")
EN_AGENT_BODY = (
    "The parcel is held at the courier's depot: you will receive it within two working days.",
    "We have started the refund; you will see it on your card within five days.",
    "We sent you a return label: you can drop the parcel at any pick-up point.",
    "Could you send us a photo of the fault? Then we will replace it right away.",
)
IT_CHAT = (
    "ciao, il mio ordine {order} è partito?",
    "ok grazie",
    "perfetto",
    "a che ora passa il corriere?",
    "sono già a casa, può passare anche adesso",
    "ho pagato ma non vedo la conferma",
    "è possibile cambiare il colore?",
    "grazie mille, gentilissimi 🙏",
    "il pacco è arrivato rotto",
    "vi mando una foto",
    "quando riaprite il negozio di {city}?",
    "c'è ancora lo sconto del 20%?",
    "non funziona più, perché?",
    "buongiorno, avete {product}?",
    "va bene, aspetto",
    "scusate, nessuna novità?",
    "la consegna è per domani?",
    "ok, ricevuto 👍",
)
EN_CHAT = (
    "hi, has my order {order} shipped?",
    "ok thanks",
    "great",
    "what time will the courier come?",
    "I paid but I don't see the confirmation",
    "the parcel arrived damaged",
    "thanks a lot!",
)
IT_CHAT_AGENT = (
    "Ciao {first}! Controllo subito.",
    "Sì, è partito stamattina: arriva domani.",
    "Il corriere passa tra le 9 e le 13.",
    "Grazie, ricevuta la foto: procediamo con il cambio.",
    "Certo, lo sconto vale fino a domenica.",
    "Le mando il link per il tracciamento.",
    "Ci scusiamo per il ritardo, ci pensiamo noi.",
)
EN_CHAT_AGENT = (
    "Hi {first}! Checking right away.",
    "Yes, it shipped this morning.",
    "Thanks for the photo, we will replace it.",
)
IT_SOCIAL = (
    "{handle} ordine {order} fermo da una settimana, qualcuno mi risponde? #assistenza",
    "{handle} ma perché il sito non funziona da stamattina? Volevo comprare {product}",
    "{handle} complimenti, consegna velocissima anche a {city}! #soddisfatto",
    "{handle} è la terza volta che scrivo, nessuna risposta. Pessimo servizio clienti.",
    "{handle} avete notizie sui saldi? Li aspetto da giorni",
)
EN_SOCIAL = (
    "{handle} order {order} stuck for a week, anyone there? #support",
    "{handle} great service, delivered in one day!",
)
IT_SOCIAL_AGENT = (
    "Ciao, ci dispiace! Ti scriviamo in privato per verificare l'ordine.",
    "Grazie mille, ci fa piacere! A presto.",
    "Stiamo risolvendo un problema tecnico, il sito tornerà disponibile a breve.",
)
IT_REVIEWS = (
    "Negozio ben fornito, personale gentile e competente. Consegna puntuale a {city}.",
    "Prodotto arrivato in ritardo e imballato male. La qualità però è buona.",
    "Assistenza rapidissima: hanno sostituito {product} senza discutere. Consigliato!",
    "Prezzi più alti della media, però il servizio clienti è ottimo.",
    "Pessima esperienza: il rimborso è arrivato dopo più di un mese.",
    "Tutto perfetto, già il terzo ordine. Città servita benissimo.",
)
EN_REVIEWS = (
    "Well stocked shop, friendly staff. Delivery on time.",
    "Late delivery and poor packaging, but the quality is good.",
)
IT_REVIEW_REPLY = (
    "Grazie {first} per la recensione, ci fa molto piacere!",
    "Ci dispiace per l'esperienza, {first}: la contatteremo per rimediare.",
)
AUTO_REPLIES = {
    "it": (
        "Risposta automatica: sono fuori ufficio fino a lunedì con accesso limitato alla posta. "
        "Per urgenze chiamare il numero in firma."
    ),
    "en": "Automatic reply: I am out of the office until Monday with limited access to email.",
}
PRODUCTS = (
    "la macchina del caffè Aurora",
    "il frullatore Vortice",
    "le cuffie Silenzio",
    "la lampada Lucciola",
    "il monopattino Saetta",
    "lo zaino Viandante",
    "la giacca impermeabile Nembo",
    "il tostapane Crosta",
    "le scarpe da corsa Gazzella",
    "lo smartwatch Meridiana",
    "il robot aspirapolvere Folletto",
    "la friggitrice ad aria Brezza",
    "il materasso Nuvola",
    "la bici elettrica Ciclone",
)
EN_PRODUCTS = (
    "the Aurora coffee machine",
    "the Vortex blender",
    "the Silence headphones",
    "the Firefly lamp",
    "the Hiker backpack",
    "the Gazelle running shoes",
)
# Words that occur in a handful of messages in a million: what search must find at once.
RARE_WORDS = (
    "ornitorinco",
    "sciabordio",
    "pantografo",
    "zigolo",
    "gnomone",
    "astrolabio",
    "clessidra",
    "lanternino",
    "bergamotto",
    "cormorano",
    "pleniluni",
    "ziqqurat",
    "quokka",
    "xilofono",
)


# --------------------------------------------------------------------------- items


@dataclass
class ThreadPlan:
    """What happened to one conversation after it arrived (used by the demo)."""

    channel: str
    thread_key: str
    person: int
    last_at: datetime
    subject: str | None
    messages: int
    lang: str


@dataclass
class _State:
    """Per-run counters that make every external ID unique and stable."""

    next_thread: int = 0
    next_msg: int = 0
    #: per person: the last chat message and when (a later burst may answer it)
    chat_last: dict[int, tuple[str, datetime]] = field(default_factory=dict)


class Generator:
    """Streams items in (roughly) time order, per channel, deterministic for a seed."""

    def __init__(
        self,
        customers: int,
        messages: int,
        *,
        seed: int = 1,
        end: datetime = BENCH_END,
        days: float = 730.0,
        heavy_messages: int | None = None,
        rare_rate: float = 2e-5,
        chunk_messages: int = 20_000,
    ) -> None:
        if customers < 1 or messages < 1:
            raise ValueError("the generator needs at least one customer and one message")
        self.customers = customers
        self.messages = messages
        self.seed = seed
        self.end = end
        self.start = end - timedelta(days=days)
        self.people = make_people(customers, seed)
        self.rare_rate = rare_rate
        self.chunk_messages = chunk_messages
        if heavy_messages is None:
            heavy_messages = 5000 if messages >= 200_000 else 0
        self.heavy_messages = min(heavy_messages, messages // 2)
        # Activity follows a long tail: a few people write a lot, most write once or twice.
        rnd = random.Random(f"weights-{seed}")
        weights = [rnd.paretovariate(1.6) for _ in range(customers)]
        if self.heavy_messages:
            weights[0] = 0.0  # the business customer gets its own, exact share
        total = 0.0
        self._cum: list[float] = []
        for w in weights:
            total += w
            self._cum.append(total)
        self._total_weight = total
        self.plans: list[ThreadPlan] = []
        self.keep_plans = False

    # -- public ----------------------------------------------------------------

    def items(self) -> Iterator[tuple[str, InboundItem]]:
        """(channel, item) pairs, chunk by chunk in time order; exactly ``messages`` of them."""
        state = _State()
        remaining = self.messages
        heavy_left = self.heavy_messages
        chunks = max(1, -(-self.messages // self.chunk_messages))
        span = (self.end - self.start) / chunks
        for chunk in range(chunks):
            rnd = random.Random(f"chunk-{self.seed}-{chunk}")
            budget = -(-remaining // (chunks - chunk))
            heavy_budget = -(-heavy_left // (chunks - chunk)) if heavy_left else 0
            lo = self.start + span * chunk
            out: list[tuple[datetime, int, str, InboundItem]] = []
            made = 0
            while made < budget:
                person = self.people[0] if heavy_budget > 0 else self.people[self._pick(rnd)]
                at = lo + span * rnd.random()
                thread = self._thread(rnd, state, person, at, min(budget - made, 9))
                for item in thread[1]:
                    out.append((item.sent_at, len(out), thread[0], item))
                made += len(thread[1])
                if heavy_budget > 0:
                    heavy_budget -= len(thread[1])
                    heavy_left -= len(thread[1])
            remaining -= made
            out.sort(key=lambda x: (x[0], x[1]))
            for _at, _n, channel, item in out:
                yield channel, item

    def batches(self, batch_size: int = 500) -> Iterator[tuple[str, Batch]]:
        """Connector batches per channel, each with a cursor, as a fetch would yield them."""
        buffers: dict[str, list[InboundItem]] = {c: [] for c in CHANNELS}
        counts = dict.fromkeys(CHANNELS, 0)
        for channel, item in self.items():
            buf = buffers[channel]
            buf.append(item)
            if len(buf) >= batch_size:
                counts[channel] += len(buf)
                yield channel, Batch(tuple(buf), json.dumps({"line": counts[channel]}))
                buf.clear()
        for channel in CHANNELS:
            buf = buffers[channel]
            if buf:
                counts[channel] += len(buf)
                yield channel, Batch(tuple(buf), json.dumps({"line": counts[channel]}))

    # -- threads ---------------------------------------------------------------

    def _pick(self, rnd: random.Random) -> int:
        return bisect.bisect_left(self._cum, rnd.random() * self._total_weight)

    def _thread(
        self, rnd: random.Random, st: _State, p: Person, at: datetime, cap: int
    ) -> tuple[str, list[InboundItem]]:
        channel = p.channels[0] if len(p.channels) == 1 else rnd.choice(p.channels)
        if p.business and rnd.random() < 0.5:
            channel = "email"
        st.next_thread += 1
        make = {"email": self._email, "chat": self._chat, "social": self._social, "review": self._review}[
            channel
        ]
        items = make(rnd, st, p, at, cap)
        if self.keep_plans and items:
            first = items[0]
            self.plans.append(
                ThreadPlan(
                    channel, first.thread_key, p.index, items[-1].sent_at, first.subject, len(items), p.lang
                )
            )
        return channel, items

    def _facts(self, rnd: random.Random, p: Person) -> dict[str, str]:
        """The order, product, city... one conversation is about (the same all through it)."""
        products = PRODUCTS if p.lang == "it" else EN_PRODUCTS
        return {
            "order": f"{rnd.randrange(100000, 999999)}",
            "city": rnd.choice(CITIES),
            "product": rnd.choice(products),
            "vat": f"IT{rnd.randrange(10**10, 10**11)}",
            "code": f"SCONTO{rnd.randrange(10, 99)}",
            "first": p.first,
            "handle": SUPPORT_MASTODON,
        }

    @staticmethod
    def _fill(text: str, facts: dict[str, str]) -> str:
        return text.format(**facts) if "{" in text else text

    def _rare(self, rnd: random.Random) -> str:
        """Now and then a rare word or a product code: the needles search must find."""
        if rnd.random() < self.rare_rate * 50:
            return f" Rif. pratica PRT{rnd.randrange(10**7, 10**8)}."
        if rnd.random() < self.rare_rate:
            return f" P.S. {rnd.choice(RARE_WORDS)}."
        return ""

    @staticmethod
    def _mid(st: _State) -> int:
        st.next_msg += 1
        return st.next_msg

    def _email(self, rnd: random.Random, st: _State, p: Person, at: datetime, cap: int) -> list[InboundItem]:
        it = p.lang == "it"
        facts = self._facts(rnd, p)
        subject_tpl, sentences = rnd.choice(IT_TOPICS if it else EN_TOPICS)
        subject = self._fill(subject_tpl, facts)
        re_subject = f"{'R' if it else 'Re'}: {subject}"
        signature = f"\n\n{p.name}"
        if p.email_has_phone:
            signature += f"\nTel. {p.phone[:3]} {p.phone[3:6]} {p.phone[6:]}"
        if p.business:
            signature += "\nRossi Impianti s.r.l. - Via dell'Industria 12, Cantù"
        extra = (Address("phone", p.phone),) if p.email_has_phone else ()
        who = Address("email", p.email, p.name)
        chosen = rnd.sample(sentences, k=min(len(sentences), rnd.randint(2, 5)))
        text = (
            "\n".join(
                (
                    rnd.choice(IT_GREETINGS if it else EN_GREETINGS),
                    "",
                    " ".join(self._fill(s, facts) for s in chosen) + self._rare(rnd),
                    "",
                    rnd.choice(IT_CLOSINGS if it else EN_CLOSINGS),
                )
            )
            + signature
        )
        domain = p.email.rsplit("@", 1)[1]
        root = f"<{st.next_thread}.{self._mid(st)}.{self.seed}@{domain}>"
        items = [
            InboundItem(
                external_id=root,
                thread_key=root,
                sender=who,
                sent_at=at,
                subject=subject,
                text=text,
                extra_identities=extra,
            )
        ]
        refs = [root]
        length = min(cap, rnd.choice((1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 6)))
        t = at
        agent = rnd.choice(AGENT_FIRST_NAMES)
        while len(items) < length:
            ours = len(items) % 2 == 1
            t += timedelta(minutes=rnd.randint(8, 60 * 30))
            mid_id = self._mid(st)
            # Mail programs quote what they answer: part of every real reply's size.
            quote = _quote(items[-1], t, it)
            if ours:
                greet = rnd.choice(IT_AGENT if it else EN_AGENT).format(first=p.first)
                body = " ".join(rnd.sample(IT_AGENT_BODY if it else EN_AGENT_BODY, k=2))
                text = (
                    f"{greet}\n\n{body}\n\n"
                    f"{'Cordiali saluti' if it else 'Kind regards'},\n{agent}\n"
                    f"{'Assistenza clienti' if it else 'Customer care'} Unisono\n\n{quote}"
                )
                items.append(
                    InboundItem(
                        external_id=f"<r{st.next_thread}.{mid_id}.{self.seed}@{SHOP_DOMAIN}>",
                        thread_key=root,
                        direction="out",
                        sender=Address("email", SUPPORT_EMAIL, "Assistenza Unisono"),
                        sent_at=t,
                        subject=re_subject,
                        text=text,
                        in_reply_to=refs[-1],
                        references=tuple(refs),
                        meta={"to": [p.email]},
                    )
                )
            elif rnd.random() < 0.12:
                items.append(
                    InboundItem(
                        external_id=f"<auto{st.next_thread}.{mid_id}.{self.seed}@{domain}>",
                        thread_key=root,
                        sender=who,
                        sent_at=t - timedelta(minutes=rnd.randint(1, 8)),
                        subject=f"{'Risposta automatica' if it else 'Automatic reply'}: {subject}",
                        text=AUTO_REPLIES[p.lang],
                        in_reply_to=refs[-1],
                        references=tuple(refs),
                        is_auto=True,
                    )
                )
                break
            else:
                followups = IT_FOLLOWUPS if it else EN_FOLLOWUPS
                items.append(
                    InboundItem(
                        external_id=f"<{st.next_thread}.{mid_id}.{self.seed}@{domain}>",
                        thread_key=root,
                        sender=who,
                        sent_at=t,
                        subject=re_subject,
                        text=f"{rnd.choice(followups)}{self._rare(rnd)}{signature}\n\n{quote}",
                        in_reply_to=refs[-1],
                        references=tuple(refs),
                        extra_identities=extra,
                    )
                )
            refs.append(items[-1].external_id)
        return items

    def _chat(self, rnd: random.Random, st: _State, p: Person, at: datetime, cap: int) -> list[InboundItem]:
        """A burst of chat in the person's room (one room per person, as bridges do)."""
        it = p.lang == "it"
        facts = self._facts(rnd, p)
        room = f"!r{p.index}x{self.seed}:{CHAT_SERVER}"
        extra = (Address("phone", p.phone),) if p.chat_has_phone else ()
        who = Address("matrix", p.matrix, p.name)
        items: list[InboundItem] = []
        length = min(cap, rnd.choice((1, 2, 2, 3, 3, 4, 4, 5, 6, 8)))
        t = at
        ours = False
        last = st.chat_last.get(p.index)
        # Bursts are made in random order within a stretch of time: only an earlier one counts.
        previous = last[0] if last is not None and last[1] < at else None
        for _ in range(length):
            ext = f"${self._mid(st)}e{self.seed}"
            if ours:
                text = self._fill(rnd.choice(IT_CHAT_AGENT if it else EN_CHAT_AGENT), facts)
                items.append(
                    InboundItem(
                        external_id=ext,
                        thread_key=room,
                        sender=Address("matrix", SUPPORT_MATRIX),
                        sent_at=t,
                        text=text,
                        direction="out",
                        in_reply_to=previous,
                    )
                )
            else:
                text = self._fill(rnd.choice(IT_CHAT if it else EN_CHAT), facts) + self._rare(rnd)
                items.append(
                    InboundItem(
                        external_id=ext,
                        thread_key=room,
                        sender=who,
                        sent_at=t,
                        text=text,
                        extra_identities=extra,
                        in_reply_to=previous if rnd.random() < 0.2 else None,
                    )
                )
            previous = ext
            t += timedelta(seconds=rnd.randint(20, 900))
            ours = not ours if rnd.random() < 0.8 else ours
        if items and (last is None or last[1] < items[-1].sent_at):
            st.chat_last[p.index] = (items[-1].external_id, items[-1].sent_at)
        return items

    def _social(self, rnd: random.Random, st: _State, p: Person, at: datetime, cap: int) -> list[InboundItem]:
        it = p.lang == "it"
        facts = self._facts(rnd, p)
        who = Address("mastodon", p.mastodon, p.name)
        instance = p.mastodon.rsplit("@", 1)[1]
        root = f"https://{instance}/statuses/{self._mid(st)}{self.seed}"
        text = self._fill(rnd.choice(IT_SOCIAL if it else EN_SOCIAL), facts) + self._rare(rnd)
        items = [
            InboundItem(
                external_id=root,
                thread_key=root,
                sender=who,
                sent_at=at,
                text=text,
                meta={"visibility": "public"},
            )
        ]
        if cap >= 2 and rnd.random() < 0.7:
            reply = f"@{p.mastodon.split('@')[1]} " + rnd.choice(IT_SOCIAL_AGENT)
            items.append(
                InboundItem(
                    external_id=f"https://mastodon.example/statuses/{self._mid(st)}{self.seed}",
                    thread_key=root,
                    direction="out",
                    sender=Address("mastodon", SUPPORT_MASTODON),
                    sent_at=at + timedelta(hours=rnd.randint(1, 20)),
                    text=reply,
                    in_reply_to=root,
                    meta={"visibility": "public"},
                )
            )
            if cap >= 3 and rnd.random() < 0.4:
                items.append(
                    InboundItem(
                        external_id=f"https://{instance}/statuses/{self._mid(st)}{self.seed}",
                        thread_key=root,
                        sender=who,
                        sent_at=items[-1].sent_at + timedelta(minutes=rnd.randint(5, 300)),
                        text=f"{SUPPORT_MASTODON} " + rnd.choice(IT_FOLLOWUPS if it else EN_FOLLOWUPS),
                        in_reply_to=items[-1].external_id,
                        meta={"visibility": "public"},
                    )
                )
        return items

    def _review(self, rnd: random.Random, st: _State, p: Person, at: datetime, cap: int) -> list[InboundItem]:
        it = p.lang == "it"
        facts = self._facts(rnd, p)
        stars = rnd.choice((1, 2, 3, 4, 5, 5, 5, 4))
        review_id = f"accounts/1/locations/7/reviews/{self._mid(st)}x{self.seed}"
        text = (
            f"{'★' * stars}{'☆' * (5 - stars)} "
            + self._fill(rnd.choice(IT_REVIEWS if it else EN_REVIEWS), facts)
            + self._rare(rnd)
        )
        items = [
            InboundItem(
                external_id=review_id,
                thread_key=review_id,
                sender=Address("review", p.reviewer, p.name),
                sent_at=at,
                text=text,
                meta={"stars": stars},
            )
        ]
        if cap >= 2 and rnd.random() < 0.6:
            items.append(
                InboundItem(
                    external_id=review_id + "/reply",
                    thread_key=review_id,
                    direction="out",
                    sender=Address("review", "owner"),
                    sent_at=at + timedelta(hours=rnd.randint(2, 48)),
                    text=rnd.choice(IT_REVIEW_REPLY).format(first=p.first),
                    in_reply_to=review_id,
                )
            )
        return items


def _quote(item: InboundItem, now: datetime, it: bool) -> str:
    """The previous message quoted under a reply, as mail programs do (at most 15 lines)."""
    who = item.sender.display_name or item.sender.value
    when = item.sent_at.strftime("%d/%m/%Y %H:%M")
    head = f"Il giorno {when} {who} ha scritto:" if it else f"On {when}, {who} wrote:"
    lines = item.text.splitlines()[:15]
    return head + "\n" + "\n".join("> " + line if line else ">" for line in lines)


# --------------------------------------------------------------------------- demo file

DEMO_ACCOUNTS = {
    "email": "assistenza-email",
    "chat": "whatsapp-telegram",
    "social": "mastodon",
    "review": "recensioni-google",
}


def fake_line(item: InboundItem, ago: float) -> dict[str, Any]:
    """An item as a line of the fake channel's inbox (see connectors/fake), time as age."""
    line: dict[str, Any] = {"id": item.external_id, "thread": item.thread_key}
    kind = item.sender.kind
    line["from"] = item.sender.value if kind == "matrix" else f"{kind}:{item.sender.value}"
    if item.sender.display_name:
        line["name"] = item.sender.display_name
    line["ago"] = round(ago)
    if item.subject:
        line["subject"] = item.subject
    line["text"] = item.text
    if item.direction != "in":
        line["direction"] = item.direction
    if item.in_reply_to:
        line["in_reply_to"] = item.in_reply_to
    if item.references:
        line["references"] = list(item.references)
    if item.extra_identities:
        line["also"] = [f"{a.kind}:{a.value}" for a in item.extra_identities]
    if item.is_auto:
        line["auto"] = True
    return line


def demo_data(customers: int = 40, messages: int = 420, seed: int = 7) -> dict[str, Any]:
    """The demo data set: ~60 days of history ending "now", with what agents did to it."""
    end = datetime(2026, 1, 1, tzinfo=UTC)  # a reference instant; the demo shifts it to "now"
    gen = Generator(customers, messages, seed=seed, end=end, days=60, heavy_messages=40, rare_rate=0.004)
    gen.keep_plans = True
    people = gen.people
    rnd = random.Random(f"demo-{seed}")
    lines: dict[str, list[dict[str, Any]]] = {c: [] for c in CHANNELS}
    person_of: dict[str, int] = {}
    for channel, item in gen.items():
        ago = (end - item.sent_at).total_seconds()
        line = fake_line(item, ago)
        lines[channel].append(line)
        person_of.setdefault(item.thread_key, -1)
    for plan in gen.plans:
        person_of[plan.thread_key] = plan.person
    for channel in CHANNELS:
        for line in lines[channel]:
            line["person"] = person_of.get(line["thread"], -1)
    agents = ("Giulia Rossi", "Marco Bianchi", "Emma Clarke")
    cases = []
    seen: set[tuple[str, str]] = set()
    # One plan per conversation (a chat room gets the plan of its latest burst).
    for plan in sorted(gen.plans, key=lambda pl: pl.last_at, reverse=True):
        key = (plan.channel, plan.thread_key)
        if key in seen:
            continue
        seen.add(key)
        age_days = (end - plan.last_at).total_seconds() / 86400
        roll = rnd.random()
        if age_days > 12:
            status = "resolved" if roll < 0.9 else "open"
        elif age_days > 3:
            status = ("resolved", "pending", "open", "open", "snoozed")[int(roll * 5)]
        else:
            status = ("open", "open", "open", "pending", "snoozed")[int(roll * 5)]
        assignee = None
        if status != "open" or rnd.random() < 0.5:
            assignee = (
                agents[2]
                if plan.channel in ("social", "review") and rnd.random() < 0.8
                else rnd.choice(agents[:2])
            )
        priority = rnd.choice(("normal",) * 6 + ("high", "low", "urgent"))
        cases.append(
            {
                "account": DEMO_ACCOUNTS[plan.channel],
                "thread": plan.thread_key,
                "person": plan.person,
                "status": status,
                "assignee": assignee,
                "priority": priority,
            }
        )
    # A few things in flight for the agents to find: notes, a queued and a failed reply.
    open_cases = [c for c in cases if c["status"] == "open" and c["person"] != 0]
    notes = (
        ("Giulia Rossi", "Cliente storico: se serve, offriamo la spedizione gratuita sul prossimo ordine."),
        ("Marco Bianchi", "Ho chiesto al magazzino, rispondono entro domani. Non chiudere il caso."),
        ("Emma Clarke", "Customer also wrote on Mastodon about this; answer in private, not in public."),
    )
    for case, (agent, text) in zip(open_cases[:3], notes, strict=False):
        case["note"] = {"agent": agent, "text": text}
    replies = (
        (
            "queued",
            "Marco Bianchi",
            "Gentile {customer.first_name}, abbiamo spedito il prodotto sostitutivo: "
            "arriverà entro due giorni lavorativi.",
        ),
        ("queued", "Giulia Rossi", "Ciao {customer.first_name}, il rimborso è stato approvato oggi."),
        (
            "failed",
            "Marco Bianchi",
            "Buongiorno {customer.first_name}, le abbiamo inviato la fattura corretta.",
        ),
        (
            "failed",
            "Emma Clarke",
            "Hi {customer.first_name}, thanks for your patience: the refund is on its way.",
        ),
    )
    for case, (state, agent, text) in zip(open_cases[3:7], replies, strict=False):
        case["reply"] = {"delivery": state, "agent": agent, "text": text}
    return {
        "about": "Unisono demo data set; regenerate with: python benchmarks/generate.py "
        f"--demo resources/demo/demo.json (seed {seed})",
        "version": 1,
        "seed": seed,
        "accounts": [{"name": DEMO_ACCOUNTS[c], "channel": c} for c in CHANNELS],
        "people": [
            {
                "index": p.index,
                "name": p.name,
                "first_name": p.first,
                "lang": p.lang,
                "channels": list(p.channels),
                "phone": p.phone,
            }
            for p in people
        ],
        "messages": {DEMO_ACCOUNTS[c]: lines[c] for c in CHANNELS},
        "cases": cases,
    }


def dump_demo(data: dict[str, Any]) -> str:
    """JSON with one record per line: small, and a regenerated file diffs line by line."""

    def one(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    parts = []
    for key, value in data.items():
        if isinstance(value, list):
            body = ",\n  ".join(one(v) for v in value)
            parts.append(f" {one(key)}: [\n  {body}\n ]")
        elif isinstance(value, dict):
            groups = []
            for name, lines in value.items():
                body = ",\n   ".join(one(v) for v in lines)
                groups.append(f"  {one(name)}: [\n   {body}\n  ]")
            parts.append(f" {one(key)}: {{\n" + ",\n".join(groups) + "\n }")
        else:
            parts.append(f" {one(key)}: {one(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def raw_text_bytes(item: InboundItem) -> int:
    """What a person typed: subject plus text, in UTF-8 bytes (the yardstick for store size)."""
    return len(item.text.encode("utf-8")) + (len(item.subject.encode("utf-8")) if item.subject else 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", metavar="FILE", help="write the demo data set (JSON) to FILE")
    parser.add_argument("--customers", type=int, default=None)
    parser.add_argument("--messages", type=int, default=None)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--jsonl",
        metavar="FILE",
        help="write the benchmark items as JSON lines (channel + fake-channel line)",
    )
    args = parser.parse_args(argv)
    if args.demo:
        data = demo_data(args.customers or 40, args.messages or 420, args.seed or 7)
        path = Path(args.demo)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump_demo(data), encoding="utf-8")
        total = sum(len(v) for v in data["messages"].values())
        print(
            f"wrote {path}: {len(data['people'])} customers, {total} messages, "
            f"{len(data['cases'])} conversations"
        )
        return 0
    gen = Generator(args.customers or 1000, args.messages or 10_000, seed=args.seed or 1)
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(open(args.jsonl, "w", encoding="utf-8")) if args.jsonl else sys.stdout
        for channel, item in gen.items():
            line = fake_line(item, (gen.end - item.sent_at).total_seconds())
            out.write(json.dumps({"channel": channel, **line}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
