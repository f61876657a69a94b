<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
<context>
    <name>AccountsTab</name>
    <message>
        <source>Sign in again</source>
        <translation>Accedi di nuovo</translation>
    </message>
    <message>
        <source>Signed in as {who}. Saved.</source>
        <translation>Accesso eseguito come {who}. Salvato.</translation>
    </message>
    <message>
        <source>Sign in first: press “{button}” and finish in your browser.</source>
        <translation>Prima accedi: premi «{button}» e completa l'accesso nel browser.</translation>
    </message>
    <message>
        <source>The provider</source>
        <translation>Il provider</translation>
    </message>
    <message>
        <source>{provider} no longer accepts this account's sign-in. Press “Sign in again” to resume syncing.</source>
        <translation>{provider} non accetta più l'accesso di questo account. Premi «Accedi di nuovo» per riprendere la sincronizzazione.</translation>
    </message>
    <message>
        <source>No reply to a review</source>
        <translation>Nessuna risposta a recensioni</translation>
    </message>
    <message>
        <source>Replies to reviews of </source>
        <translation>Risposte a recensioni da </translation>
    </message>
    <message>
        <source> stars or fewer</source>
        <translation> stelle o meno</translation>
    </message>
    <message>
        <source>Lead's approval for</source>
        <translation>Approvazione di un responsabile per</translation>
    </message>
    <message>
        <source>A reply to a review of this many stars or fewer waits for a lead's approval.</source>
        <translation>Una risposta a una recensione con queste stelle o meno attende l'approvazione di un responsabile.</translation>
    </message>
    <message>
        <source>Every public reply waits for a lead's approval</source>
        <translation>Ogni risposta pubblica attende l'approvazione di un responsabile</translation>
    </message>
    <message>
        <source>Account name</source>
        <translation>Nome dell'account</translation>
    </message>
    <message>
        <source>e.g. Support mail</source>
        <translation>per esempio Posta assistenza</translation>
    </message>
    <message>
        <source>A short name of your choice; lists and reports show it.</source>
        <translation>Un nome breve a scelta; lo mostrano elenchi e rapporti.</translation>
    </message>
    <message>
        <source>No team</source>
        <translation>Nessun team</translation>
    </message>
    <message>
        <source>Team of new cases</source>
        <translation>Team dei nuovi casi</translation>
    </message>
    <message>
        <source>New cases from this account belong to this team.</source>
        <translation>I nuovi casi di questo account appartengono a questo team.</translation>
    </message>
    <message>
        <source>Channel accounts</source>
        <translation>Account dei canali</translation>
    </message>
    <message>
        <source>New account</source>
        <translation>Nuovo account</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nome</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Salva</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Prova connessione</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Rimuovi</translation>
    </message>
    <message>
        <source>Password or token</source>
        <translation>Password o token</translation>
    </message>
    <message>
        <source>kept in the system keyring; leave empty to keep</source>
        <translation>custodita nel portachiavi di sistema; lascia vuoto per mantenerla</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>Attivo</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Salvato.</translation>
    </message>
    <message>
        <source>Save the account first, then test it.</source>
        <translation>Salva prima l'account, poi provalo.</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>Prova in corso…</translation>
    </message>
    <message>
        <source>Connection failed: {reason}</source>
        <translation>Connessione non riuscita: {reason}</translation>
    </message>
    <message>
        <source>Connection works.</source>
        <translation>La connessione funziona.</translation>
    </message>
</context>
<context>
    <name>AgentsTab</name>
    <message>
        <source>Trainee</source>
        <translation>In formazione</translation>
    </message>
    <message>
        <source>Every reply of a trainee waits for a lead's approval.</source>
        <translation>Ogni risposta di chi è in formazione attende l'approvazione di un responsabile.</translation>
    </message>
    <message>
        <source>{name} is a trainee: every reply of theirs waits for a lead's approval.</source>
        <translation>{name} è in formazione: ogni sua risposta attende l'approvazione di un responsabile.</translation>
    </message>
    <message>
        <source>{name} is no longer a trainee.</source>
        <translation>{name} non è più in formazione.</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Operatori</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nome</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Email</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Ruolo</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>Team</translation>
    </message>
    <message>
        <source>Add agent</source>
        <translation>Aggiungi operatore</translation>
    </message>
    <message>
        <source>Agent added.</source>
        <translation>Operatore aggiunto.</translation>
    </message>
</context>
<context>
    <name>AssignDialog</name>
    <message>
        <source>Assign case</source>
        <translation>Assegna caso</translation>
    </message>
    <message>
        <source>Agents and teams</source>
        <translation>Operatori e team</translation>
    </message>
    <message>
        <source>Nobody (unassign)</source>
        <translation>Nessuno (togli assegnazione)</translation>
    </message>
    <message>
        <source>{name} — {team}</source>
        <translation>{name} — {team}</translation>
    </message>
    <message>
        <source>no team</source>
        <translation>nessun team</translation>
    </message>
    <message>
        <source>Team: {team}</source>
        <translation>Team: {team}</translation>
    </message>
</context>
<context>
    <name>CallDialog</name>
    <message>
        <source>Log a call</source>
        <translation>Registra una chiamata</translation>
    </message>
    <message>
        <source>Inbound (the customer called)</source>
        <translation>In entrata (ha chiamato il cliente)</translation>
    </message>
    <message>
        <source>Outbound (we called)</source>
        <translation>In uscita (abbiamo chiamato noi)</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>Chiamata</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Numero</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Durata</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Esito</translation>
    </message>
    <message>
        <source>Call notes</source>
        <translation>Note della chiamata</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Note</translation>
    </message>
</context>
<context>
    <name>CaseActions</name>
    <message>
        <source>assigned to {who}</source>
        <translation>assegnato a {who}</translation>
    </message>
    <message>
        <source>unassigned</source>
        <translation>senza assegnatario</translation>
    </message>
    <message>
        <source>handed to team {team}</source>
        <translation>passato al team {team}</translation>
    </message>
    <message>
        <source>given priority {priority}</source>
        <translation>messo a priorità {priority}</translation>
    </message>
    <message>
        <source>changed</source>
        <translation>modificato</translation>
    </message>
    <message>
        <source>Case #{id} was just {done}</source>
        <translation>Il caso #{id} è appena stato {done}</translation>
    </message>
    <message>
        <source> by {who}</source>
        <translation> da {who}</translation>
    </message>
    <message>
        <source> at {when}</source>
        <translation> alle {when}</translation>
    </message>
    <message>
        <source>. Nothing was changed: look at it again and retry.</source>
        <translation>. Non è stato cambiato nulla: riguardalo e riprova.</translation>
    </message>
    <message>
        <source>You are not signed in as an agent; start with --as NAME.</source>
        <translation>Non sei collegato come operatore; avvia con --as NOME.</translation>
    </message>
    <message>
        <source>Case #{id} assigned to {who}.</source>
        <translation>Caso #{id} assegnato a {who}.</translation>
    </message>
    <message>
        <source>Case #{id} unassigned.</source>
        <translation>Caso #{id} senza assegnatario.</translation>
    </message>
    <message>
        <source>Case #{id} is {who}'s.</source>
        <translation>Il caso #{id} è di {who}.</translation>
    </message>
    <message>
        <source>Case #{id} is {who}'s since {when}.</source>
        <translation>Il caso #{id} è di {who} dalle {when}.</translation>
    </message>
    <message>
        <source>Only leads and admins move cases other agents hold or assign cases to others.</source>
        <translation>Solo i responsabili e gli amministratori spostano i casi di altri operatori o assegnano casi ad altri.</translation>
    </message>
    <message>
        <source>Only leads and admins move cases to another team.</source>
        <translation>Solo i responsabili e gli amministratori spostano i casi a un altro team.</translation>
    </message>
    <message>
        <source>Case #{id} handed to team {team}.</source>
        <translation>Caso #{id} passato al team {team}.</translation>
    </message>
    <message>
        <source>Case #{id} is now {status}.</source>
        <translation>Il caso #{id} ora è {status}.</translation>
    </message>
    <message>
        <source>Case #{id} priority: {priority}.</source>
        <translation>Priorità del caso #{id}: {priority}.</translation>
    </message>
    <message>
        <source>Case #{id} tags updated.</source>
        <translation>Etichette del caso #{id} aggiornate.</translation>
    </message>
    <message>
        <source>Nothing to undo.</source>
        <translation>Niente da annullare.</translation>
    </message>
    <message>
        <source>Undone: {what}</source>
        <translation>Annullato: {what}</translation>
    </message>
</context>
<context>
    <name>CaseListModel</name>
    <message>
        <source>Customer</source>
        <translation>Cliente</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Canali</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Oggetto</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Stato</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorità</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>Assegnatario</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>In attesa</translation>
    </message>
    <message>
        <source>First reply due {when}</source>
        <translation>Prima risposta entro {when}</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>(senza oggetto)</translation>
    </message>
    <message>
        <source>Snoozed until {when}</source>
        <translation>Rimandato a {when}</translation>
    </message>
    <message>
        <source>{team} (team)</source>
        <translation>{team} (team)</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Scadenza</translation>
    </message>
</context>
<context>
    <name>CaseListView</name>
    <message>
        <source>Cases</source>
        <translation>Casi</translation>
    </message>
    <message>
        <source>Customers at risk first</source>
        <translation>Prima i clienti a rischio</translation>
    </message>
    <message>
        <source>Newest activity first</source>
        <translation>Prima l'attività più recente</translation>
    </message>
</context>
<context>
    <name>ChannelPreview</name>
    <message>
        <source>(empty)</source>
        <translation>(vuoto)</translation>
    </message>
    <message>
        <source>{n} / {limit} characters</source>
        <translation>{n} / {limit} caratteri</translation>
    </message>
    <message>
        <source>{n} / {limit} bytes</source>
        <translation>{n} / {limit} byte</translation>
    </message>
    <message>
        <source>sent in {parts} parts</source>
        <translation>inviato in {parts} parti</translation>
    </message>
    <message>
        <source>too long for this channel</source>
        <translation>troppo lungo per questo canale</translation>
    </message>
    <message>
        <source>{n} characters</source>
        <translation>{n} caratteri</translation>
    </message>
    <message>
        <source>public reply</source>
        <translation>risposta pubblica</translation>
    </message>
</context>
<context>
    <name>HeldReplyDialog</name>
    <message>
        <source>New messages on this case</source>
        <translation>Nuovi messaggi su questo caso</translation>
    </message>
    <message>
        <source>A new message arrived on this case while you were writing. Your reply is not sent yet.</source>
        <translation>Mentre scrivevi è arrivato un nuovo messaggio su questo caso. La tua risposta non è ancora partita.</translation>
    </message>
    <message>
        <source>{n} new messages arrived on this case while you were writing. Your reply is not sent yet.</source>
        <translation>Mentre scrivevi sono arrivati {n} nuovi messaggi su questo caso. La tua risposta non è ancora partita.</translation>
    </message>
    <message>
        <source>New messages</source>
        <translation>Nuovi messaggi</translation>
    </message>
    <message>
        <source>&amp;Send anyway</source>
        <translation>&amp;Invia comunque</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Modifica</translation>
    </message>
    <message>
        <source>&amp;Discard</source>
        <translation>&amp;Scarta</translation>
    </message>
    <message>
        <source>Send the reply as it is</source>
        <translation>Invia la risposta così com’è</translation>
    </message>
    <message>
        <source>Back to the reply, to change it after reading the new messages</source>
        <translation>Torna alla risposta, per cambiarla dopo aver letto i nuovi messaggi</translation>
    </message>
    <message>
        <source>Throw the reply away</source>
        <translation>Butta via la risposta</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>sconosciuto</translation>
    </message>
    <message>
        <source>{who} wrote</source>
        <translation>{who} ha scritto</translation>
    </message>
    <message>
        <source>Note by {who}</source>
        <translation>Nota di {who}</translation>
    </message>
    <message>
        <source>Reply by {who}</source>
        <translation>Risposta di {who}</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Not sent yet: new messages arrived on this case.</source>
        <translation>Non ancora inviata: sono arrivati nuovi messaggi su questo caso.</translation>
    </message>
    <message>
        <source>Reply discarded.</source>
        <translation>Risposta scartata.</translation>
    </message>
    <message>
        <source>Your reply is kept: read the new messages, then send it again.</source>
        <translation>La tua risposta è conservata: leggi i nuovi messaggi, poi inviala di nuovo.</translation>
    </message>
    <message>
        <source>{account} takes at most {n} files in one reply.</source>
        <translation>{account} accetta al massimo {n} file per risposta.</translation>
    </message>
    <message>
        <source>{account} takes only these kinds of file: {kinds}. Remove {names}.</source>
        <translation>{account} accetta solo questi tipi di file: {kinds}. Togli {names}.</translation>
    </message>
    <message>
        <source>Send files with the reply</source>
        <translation>Invia file con la risposta</translation>
    </message>
    <message>
        <source>The files come to {size}; a reply carries at most {limit}.</source>
        <translation>I file pesano {size}; una risposta ne porta al massimo {limit}.</translation>
    </message>
    <message>
        <source>{account} cannot carry files</source>
        <translation>{account} non può inviare file</translation>
    </message>
    <message>
        <source>{account} cannot carry files: remove them, choose another channel, or add them to a note.</source>
        <translation>{account} non può inviare file: toglili, scegli un altro canale o aggiungili a una nota.</translation>
    </message>
    <message>
        <source>Reply through</source>
        <translation>Rispondi tramite</translation>
    </message>
    <message>
        <source>Channel account the reply goes through</source>
        <translation>Account del canale da cui parte la risposta</translation>
    </message>
    <message>
        <source>Insert template</source>
        <translation>Inserisci modello</translation>
    </message>
    <message>
        <source>Internal note</source>
        <translation>Nota interna</translation>
    </message>
    <message>
        <source>Only agents see a note (n)</source>
        <translation>Una nota la vedono solo gli operatori (n)</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Invia</translation>
    </message>
    <message>
        <source>Send (Ctrl+Enter)</source>
        <translation>Invia (Ctrl+Invio)</translation>
    </message>
    <message>
        <source>Reply text</source>
        <translation>Testo della risposta</translation>
    </message>
    <message>
        <source>Write a reply… (r to reply, n for a note, Ctrl+Enter sends)</source>
        <translation>Scrivi una risposta… (r per rispondere, n per una nota, Ctrl+Invio invia)</translation>
    </message>
    <message>
        <source>Preview per channel</source>
        <translation>Anteprima per canale</translation>
    </message>
    <message>
        <source>Public reply: everyone can read it on the channel, not only this customer.</source>
        <translation>Risposta pubblica: sul canale la può leggere chiunque, non solo questo cliente.</translation>
    </message>
    <message>
        <source>Insert template…</source>
        <translation>Inserisci modello…</translation>
    </message>
    <message>
        <source>Add note</source>
        <translation>Aggiungi nota</translation>
    </message>
    <message>
        <source>Nothing to send yet.</source>
        <translation>Ancora niente da inviare.</translation>
    </message>
    <message>
        <source>The customer has no {kind} identity, so {account} cannot reach them.</source>
        <translation>Il cliente non ha un'identità {kind}, quindi {account} non può raggiungerlo.</translation>
    </message>
    <message>
        <source>This customer cannot be reached through any channel account; add a note instead.</source>
        <translation>Questo cliente non è raggiungibile da nessun account; aggiungi invece una nota.</translation>
    </message>
    <message>
        <source>The reply is {n} characters long; {account} allows {limit}.</source>
        <translation>La risposta è lunga {n} caratteri; {account} ne consente {limit}.</translation>
    </message>
    <message>
        <source>The reply is {n} bytes long; {account} allows {limit}.</source>
        <translation>La risposta occupa {n} byte; {account} ne consente {limit}.</translation>
    </message>
    <message>
        <source>Note added.</source>
        <translation>Nota aggiunta.</translation>
    </message>
    <message>
        <source>Reply queued.</source>
        <translation>Risposta in coda.</translation>
    </message>
    <message>
        <source>Not sent: {reason}</source>
        <translation>Non inviato: {reason}</translation>
    </message>
    <message>
        <source>Reply held: it waits for a lead's approval before it is sent.</source>
        <translation>Risposta trattenuta: attende l'approvazione di un responsabile prima di partire.</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <source>Something went wrong</source>
        <translation>Qualcosa è andato storto</translation>
    </message>
    <message>
        <source>Unisono met an unexpected error. Your data is safe; the action that failed may need to be repeated. The details below have passwords and tokens removed, so you can send them to support.</source>
        <translation>Unisono ha incontrato un errore imprevisto. I tuoi dati sono al sicuro; l'azione non riuscita potrebbe andare ripetuta. Dai dettagli qui sotto sono state tolte password e token: puoi inviarli all'assistenza.</translation>
    </message>
    <message>
        <source>Error details</source>
        <translation>Dettagli dell'errore</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>Copia i dettagli</translation>
    </message>
</context>
<context>
    <name>CustomerPanel</name>
    <message>
        <source>No customer selected.</source>
        <translation>Nessun cliente selezionato.</translation>
    </message>
    <message>
        <source>Noted: two different people.</source>
        <translation>Annotato: sono due persone diverse.</translation>
    </message>
    <message>
        <source>Show older cases ({n} more)</source>
        <translation>Mostra i casi precedenti (altri {n})</translation>
    </message>
    <message>
        <source>List {n} more past cases</source>
        <translation>Elenca altri {n} casi passati</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Cliente</translation>
    </message>
    <message>
        <source>Customer name</source>
        <translation>Nome del cliente</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nome</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Dettagli</translation>
    </message>
    <message>
        <source>company: …
city: …</source>
        <translation>azienda: …
città: …</translation>
    </message>
    <message>
        <source>First seen</source>
        <translation>Primo contatto</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Canali</translation>
    </message>
    <message>
        <source>Identities</source>
        <translation>Identità</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>Casi aperti</translation>
    </message>
    <message>
        <source>Past cases</source>
        <translation>Casi passati</translation>
    </message>
    <message>
        <source>Notes about this customer</source>
        <translation>Note su questo cliente</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Salva</translation>
    </message>
    <message>
        <source>Merge…</source>
        <translation>Unisci…</translation>
    </message>
    <message>
        <source>Merge another customer into this one</source>
        <translation>Unisci un altro cliente a questo</translation>
    </message>
    <message>
        <source>Undo merge</source>
        <translation>Annulla unione</translation>
    </message>
    <message>
        <source>Log a call…</source>
        <translation>Registra chiamata…</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Salvato.</translation>
    </message>
    <message>
        <source>Customers merged. Undo merge puts them apart again.</source>
        <translation>Clienti uniti. «Annulla unione» li separa di nuovo.</translation>
    </message>
    <message>
        <source>Merge undone.</source>
        <translation>Unione annullata.</translation>
    </message>
    <message>
        <source>Marked not at risk.</source>
        <translation>Segnato come non a rischio.</translation>
    </message>
    <message>
        <source>Not at risk</source>
        <translation>Non a rischio</translation>
    </message>
    <message>
        <source>Why is {name} not at risk? The score reads 0 until they write again.</source>
        <translation>Perché {name} non è a rischio? Il punteggio resta a 0 finché non scrive di nuovo.</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>none</source>
        <translation>nessuno</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Aperto</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>In sospeso</translation>
    </message>
    <message>
        <source>Snoozed</source>
        <translation>Rimandato</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Risolto</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Bassa</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>Normale</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Alta</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>Urgente</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Email</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <source>Social</source>
        <translation>Social</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Recensione</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefono</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Nota</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>In coda</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Invio…</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Inviato</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Non riuscito</translation>
    </message>
    <message>
        <source>Awaiting approval</source>
        <translation>In attesa di approvazione</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Respinto</translation>
    </message>
    <message>
        <source>agent</source>
        <translation>agente</translation>
    </message>
    <message>
        <source>lead</source>
        <translation>responsabile</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>amministratore</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>Risposto</translation>
    </message>
    <message>
        <source>No answer</source>
        <translation>Nessuna risposta</translation>
    </message>
    <message>
        <source>Voicemail</source>
        <translation>Segreteria</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Occupato</translation>
    </message>
    <message>
        <source>Call back</source>
        <translation>Da richiamare</translation>
    </message>
    <message>
        <source>Matrix</source>
        <translation>Matrix</translation>
    </message>
    <message>
        <source>Telegram</source>
        <translation>Telegram</translation>
    </message>
    <message>
        <source>Mastodon</source>
        <translation>Mastodon</translation>
    </message>
    <message>
        <source>Reviews</source>
        <translation>Recensioni</translation>
    </message>
    <message>
        <source>up to date</source>
        <translation>aggiornato</translation>
    </message>
    <message>
        <source>syncing</source>
        <translation>sincronizzazione</translation>
    </message>
    <message>
        <source>error</source>
        <translation>errore</translation>
    </message>
    <message>
        <source>sign-in refused</source>
        <translation>accesso rifiutato</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>disattivato</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} min</translation>
    </message>
    <message>
        <source>{n} h</source>
        <translation>{n} h</translation>
    </message>
    <message>
        <source>{n} d</source>
        <translation>{n} g</translation>
    </message>
    <message>
        <source>Balanced: to whoever has the fewest open cases</source>
        <translation>Bilanciata: a chi ha meno casi aperti</translation>
    </message>
    <message>
        <source>Off: cases wait for someone to take them</source>
        <translation>Spenta: i casi aspettano che qualcuno li prenda</translation>
    </message>
    <message>
        <source>Round robin: to each in turn</source>
        <translation>A rotazione: a ciascuno a turno</translation>
    </message>
</context>
<context>
    <name>Launch</name>
    <message>
        <source>Unisono cannot start</source>
        <translation>Unisono non può partire</translation>
    </message>
    <message>
        <source>The database cannot be opened:
{reason}</source>
        <translation>Impossibile aprire il database:
{reason}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>local agent</source>
        <translation>operatore locale</translation>
    </message>
    <message>
        <source>{app} — {agent}</source>
        <translation>{app} — {agent}</translation>
    </message>
    <message>
        <source>No case selected</source>
        <translation>Nessun caso selezionato</translation>
    </message>
    <message>
        <source>This case only</source>
        <translation>Solo questo caso</translation>
    </message>
    <message>
        <source>Show only the messages of the selected case</source>
        <translation>Mostra solo i messaggi del caso selezionato</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>Azioni</translation>
    </message>
    <message>
        <source>Search messages and customers  (/ or Ctrl+K)</source>
        <translation>Cerca messaggi e clienti  (/ o Ctrl+K)</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Cerca</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>Rispondi</translation>
    </message>
    <message>
        <source>Reply (r)</source>
        <translation>Rispondi (r)</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Nota</translation>
    </message>
    <message>
        <source>Internal note (n)</source>
        <translation>Nota interna (n)</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>Risolvi</translation>
    </message>
    <message>
        <source>Resolve (e)</source>
        <translation>Risolvi (e)</translation>
    </message>
    <message>
        <source>Assign</source>
        <translation>Assegna</translation>
    </message>
    <message>
        <source>Assign (a)</source>
        <translation>Assegna (a)</translation>
    </message>
    <message>
        <source>Snooze</source>
        <translation>Rimanda</translation>
    </message>
    <message>
        <source>Snooze (s)</source>
        <translation>Rimanda (s)</translation>
    </message>
    <message>
        <source>Assign to me</source>
        <translation>Assegna a me</translation>
    </message>
    <message>
        <source>Mark pending</source>
        <translation>Metti in sospeso</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>Riapri</translation>
    </message>
    <message>
        <source>Priority…</source>
        <translation>Priorità…</translation>
    </message>
    <message>
        <source>Tags…</source>
        <translation>Etichette…</translation>
    </message>
    <message>
        <source>Log a call…</source>
        <translation>Registra chiamata…</translation>
    </message>
    <message>
        <source>Merge customer…</source>
        <translation>Unisci cliente…</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Impostazioni…</translation>
    </message>
    <message>
        <source>Workload…</source>
        <translation>Carico di lavoro…</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Scorciatoie da tastiera</translation>
    </message>
    <message>
        <source>More</source>
        <translation>Altro</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Annulla</translation>
    </message>
    <message>
        <source>Undo the last case action (Ctrl+Z)</source>
        <translation>Annulla l'ultima azione sul caso (Ctrl+Z)</translation>
    </message>
    <message>
        <source>{customer} · #{id} {subject}</source>
        <translation>{customer} · #{id} {subject}</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>(senza oggetto)</translation>
    </message>
    <message>
        <source>Save as view</source>
        <translation>Salva come vista</translation>
    </message>
    <message>
        <source>Keep this search as a view of the case list (Ctrl+S)</source>
        <translation>Conserva questa ricerca come vista dell’elenco dei casi (Ctrl+S)</translation>
    </message>
    <message>
        <source>1 case behind “{figure}”</source>
        <translation>1 caso alla base di «{figure}»</translation>
    </message>
    <message>
        <source>Service levels…</source>
        <translation>Livelli di servizio…</translation>
    </message>
    <message>
        <source>{n} cases behind “{figure}”</source>
        <translation>{n} casi alla base di «{figure}»</translation>
    </message>
    <message>
        <source>Satisfaction…</source>
        <translation>Soddisfazione…</translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <source>Merge customers</source>
        <translation>Unisci clienti</translation>
    </message>
    <message>
        <source>Find the customer who is really {name}; their identities, conversations and cases move here. You can undo it.</source>
        <translation>Cerca il cliente che in realtà è {name}: identità, conversazioni e casi passano qui. Si può annullare.</translation>
    </message>
    <message>
        <source>Name, email, phone…</source>
        <translation>Nome, email, telefono…</translation>
    </message>
    <message>
        <source>Search customers</source>
        <translation>Cerca clienti</translation>
    </message>
    <message>
        <source>Matching customers</source>
        <translation>Clienti trovati</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>Unisci</translation>
    </message>
</context>
<context>
    <name>MessageCard</name>
    <message>
        <source>Retry</source>
        <translation>Riprova</translation>
    </message>
    <message>
        <source>Load images</source>
        <translation>Carica immagini</translation>
    </message>
    <message>
        <source>Delivery state: {state}</source>
        <translation>Stato di consegna: {state}</translation>
    </message>
    <message>
        <source>→ Reply from {account}</source>
        <translation>→ Risposta da {account}</translation>
    </message>
    <message>
        <source>Open or save this attachment</source>
        <translation>Apri o salva questo allegato</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Apri</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>Salva con nome…</translation>
    </message>
    <message>
        <source>Inbound call</source>
        <translation>Chiamata in entrata</translation>
    </message>
    <message>
        <source>Outbound call</source>
        <translation>Chiamata in uscita</translation>
    </message>
    <message>
        <source>{kind} · {number} · {minutes} min · {outcome}</source>
        <translation>{kind} · {number} · {minutes} min · {outcome}</translation>
    </message>
    <message>
        <source>Internal note by {who}</source>
        <translation>Nota interna di {who}</translation>
    </message>
    <message>
        <source>an agent</source>
        <translation>un operatore</translation>
    </message>
    <message>
        <source>→ Reply by {who}</source>
        <translation>→ Risposta di {who}</translation>
    </message>
    <message>
        <source>← {who}</source>
        <translation>← {who}</translation>
    </message>
    <message>
        <source>customer</source>
        <translation>cliente</translation>
    </message>
    <message>
        <source>image not loaded</source>
        <translation>immagine non caricata</translation>
    </message>
    <message>
        <source>Hide quoted text</source>
        <translation>Nascondi testo citato</translation>
    </message>
    <message>
        <source>Show quoted text</source>
        <translation>Mostra testo citato</translation>
    </message>
    <message>
        <source>A lead approves this reply before it is sent</source>
        <translation>Un responsabile approva questa risposta prima che parta</translation>
    </message>
    <message>
        <source>Approve this reply, edited or not, or reject it with a reason</source>
        <translation>Approva questa risposta, modificata o no, oppure rifiutala con un motivo</translation>
    </message>
    <message>
        <source>Review…</source>
        <translation>Esamina…</translation>
    </message>
    <message>
        <source>→ Satisfaction question by {account}</source>
        <translation>→ Domanda di soddisfazione da {account}</translation>
    </message>
</context>
<context>
    <name>PresenceBridge</name>
    <message>
        <source>{name} is replying</source>
        <translation>{name} sta rispondendo</translation>
    </message>
    <message>
        <source>{name} is viewing</source>
        <translation>{name} sta guardando</translation>
    </message>
    <message>
        <source>A colleague is replying</source>
        <translation>Un collega sta rispondendo</translation>
    </message>
    <message>
        <source>A colleague is viewing</source>
        <translation>Un collega sta guardando</translation>
    </message>
</context>
<context>
    <name>PresenceStrip</name>
    <message>
        <source>Colleagues on this case</source>
        <translation>Colleghi su questo caso</translation>
    </message>
    <message>
        <source>Colleagues who have this case open on their desktops right now</source>
        <translation>Colleghi che hanno questo caso aperto in questo momento sulla loro postazione</translation>
    </message>
</context>
<context>
    <name>SearchResults</name>
    <message>
        <source>Search results</source>
        <translation>Risultati della ricerca</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Impostazioni</translation>
    </message>
    <message>
        <source>Channel accounts</source>
        <translation>Account dei canali</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Operatori</translation>
    </message>
    <message>
        <source>Teams</source>
        <translation>Team</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>Modelli</translation>
    </message>
    <message>
        <source>Service levels</source>
        <translation>Livelli di servizio</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Scorciatoie da tastiera</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Tasti</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Azione</translation>
    </message>
</context>
<context>
    <name>SnoozeDialog</name>
    <message>
        <source>Snooze until</source>
        <translation>Rimanda a</translation>
    </message>
    <message>
        <source>The case comes back as open at:</source>
        <translation>Il caso torna aperto il:</translation>
    </message>
    <message>
        <source>In 1 hour</source>
        <translation>Tra 1 ora</translation>
    </message>
    <message>
        <source>In 4 hours</source>
        <translation>Tra 4 ore</translation>
    </message>
    <message>
        <source>Tomorrow 9:00</source>
        <translation>Domani alle 9:00</translation>
    </message>
    <message>
        <source>Next Monday</source>
        <translation>Lunedì prossimo</translation>
    </message>
</context>
<context>
    <name>SyncStatus</name>
    <message>
        <source>Sync status</source>
        <translation>Stato della sincronizzazione</translation>
    </message>
    <message>
        <source>First sync progress</source>
        <translation>Avanzamento della prima sincronizzazione</translation>
    </message>
    <message>
        <source>never</source>
        <translation>mai</translation>
    </message>
    <message>
        <source>{name} ({channel}) — last synced {when}</source>
        <translation>{name} ({channel}) — ultima sincronizzazione {when}</translation>
    </message>
    <message>
        <source>No channel accounts yet</source>
        <translation>Ancora nessun account dei canali</translation>
    </message>
    <message>
        <source>{name}: {error}</source>
        <translation>{name}: {error}</translation>
    </message>
    <message>
        <source>Syncing %v of %m</source>
        <translation>Sincronizzati %v di %m</translation>
    </message>
</context>
<context>
    <name>TeamsTab</name>
    <message>
        <source>Teams</source>
        <translation>Team</translation>
    </message>
    <message>
        <source>Team name</source>
        <translation>Nome del team</translation>
    </message>
    <message>
        <source>Add team</source>
        <translation>Aggiungi team</translation>
    </message>
    <message>
        <source>Rename team</source>
        <translation>Rinomina team</translation>
    </message>
    <message>
        <source>Give the selected team the name typed here</source>
        <translation>Dà al team selezionato il nome scritto qui</translation>
    </message>
    <message>
        <source>Team “{name}” added.</source>
        <translation>Team «{name}» aggiunto.</translation>
    </message>
    <message>
        <source>Team “{old}” is now “{name}”.</source>
        <translation>Il team «{old}» ora si chiama «{name}».</translation>
    </message>
</context>
<context>
    <name>TemplatesTab</name>
    <message>
        <source>Templates</source>
        <translation>Modelli</translation>
    </message>
    <message>
        <source>Template text</source>
        <translation>Testo del modello</translation>
    </message>
    <message>
        <source>Variant for the channel</source>
        <translation>Variante per il canale</translation>
    </message>
    <message>
        <source>Empty: the main text is used on this channel</source>
        <translation>Vuoto: su questo canale si usa il testo principale</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nome</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>Scorciatoia</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Testo</translation>
    </message>
    <message>
        <source>Variant for</source>
        <translation>Variante per</translation>
    </message>
    <message>
        <source>Variables: {customer.first_name} {customer.name} {agent.name} {case.id}</source>
        <translation>Variabili: {customer.first_name} {customer.name} {agent.name} {case.id}</translation>
    </message>
    <message>
        <source>New template</source>
        <translation>Nuovo modello</translation>
    </message>
    <message>
        <source>Save template</source>
        <translation>Salva modello</translation>
    </message>
    <message>
        <source>Template saved.</source>
        <translation>Modello salvato.</translation>
    </message>
</context>
<context>
    <name>TimelineView</name>
    <message>
        <source>Customer timeline</source>
        <translation>Cronologia del cliente</translation>
    </message>
    <message>
        <source>Load older messages</source>
        <translation>Carica messaggi precedenti</translation>
    </message>
    <message>
        <source>Pick a case to see the customer's conversations.</source>
        <translation>Scegli un caso per vedere le conversazioni del cliente.</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>(senza oggetto)</translation>
    </message>
    <message>
        <source>Case #{id} · {title} · {state}</source>
        <translation>Caso #{id} · {title} · {state}</translation>
    </message>
    <message>
        <source>No messages yet.</source>
        <translation>Ancora nessun messaggio.</translation>
    </message>
    <message>
        <source>Save attachment</source>
        <translation>Salva allegato</translation>
    </message>
</context>
<context>
    <name>LiveFeed</name>
    <message>
        <source>Not live: reconnecting to the database…</source>
        <translation>Non aggiornato: riconnessione al database…</translation>
    </message>
    <message>
        <source>Live updates</source>
        <translation>Aggiornamenti in tempo reale</translation>
    </message>
    <message>
        <source>Changes made on other desktops are not shown until the connection is back.</source>
        <translation>Le modifiche fatte da altre postazioni non compaiono finché la connessione non torna.</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <source>New messages</source>
        <translation>Nuovi messaggi</translation>
    </message>
    <message>
        <source>Low satisfaction: case reopened</source>
        <translation>Soddisfazione bassa: caso riaperto</translation>
    </message>
    <message>
        <source>Service levels</source>
        <translation>Livelli di servizio</translation>
    </message>
    <message>
        <source>{customer}: {target} due {when}</source>
        <translation>{customer}: {target} entro {when}</translation>
    </message>
    <message>
        <source>{customer}: {target} overdue (due {when})</source>
        <translation>{customer}: {target} in ritardo (scadeva {when})</translation>
    </message>
</context>
<context>
    <name>Views</name>
    <message>
        <source>Mine</source>
        <translation>Miei</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>Non assegnati</translation>
    </message>
    <message>
        <source>My team</source>
        <translation>Il mio team</translation>
    </message>
    <message>
        <source>All open</source>
        <translation>Tutti gli aperti</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>In sospeso</translation>
    </message>
    <message>
        <source>Snoozed</source>
        <translation>Rimandati</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Risolti</translation>
    </message>
    <message>
        <source>Awaiting approval</source>
        <translation>Da approvare</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>In ritardo</translation>
    </message>
    <message>
        <source>At risk</source>
        <translation>A rischio</translation>
    </message>
</context>
<context>
    <name>ViewsList</name>
    <message>
        <source>Views</source>
        <translation>Viste</translation>
    </message>
    <message>
        <source>Delete view “{name}”</source>
        <translation>Elimina la vista «{name}»</translation>
    </message>
</context>
<context>
    <name>ViewsModel</name>
    <message>
        <source>{view}: {n} cases</source>
        <translation>{view}: {n} casi</translation>
    </message>
</context>
<context>
    <name>WindowActions</name>
    <message>
        <source>Assign the case</source>
        <translation>Assegna il caso</translation>
    </message>
    <message>
        <source>Assign to me</source>
        <translation>Assegna a me</translation>
    </message>
    <message>
        <source>Attach files to the reply or note</source>
        <translation>Allega file alla risposta o alla nota</translation>
    </message>
    <message>
        <source>Back to the case list</source>
        <translation>Torna all'elenco dei casi</translation>
    </message>
    <message>
        <source>Call logged.</source>
        <translation>Chiamata registrata.</translation>
    </message>
    <message>
        <source>Delete the saved view (in the list of views)</source>
        <translation>Elimina la vista salvata (nell’elenco delle viste)</translation>
    </message>
    <message>
        <source>Internal note</source>
        <translation>Nota interna</translation>
    </message>
    <message>
        <source>Log a call</source>
        <translation>Registra una chiamata</translation>
    </message>
    <message>
        <source>Name of the view (it lists the open cases whose subject or customer matches):</source>
        <translation>Nome della vista (elenca i casi aperti il cui oggetto o cliente corrisponde):</translation>
    </message>
    <message>
        <source>Next / previous case</source>
        <translation>Caso successivo / precedente</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorità</translation>
    </message>
    <message>
        <source>Priority of the case:</source>
        <translation>Priorità del caso:</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>Rispondi</translation>
    </message>
    <message>
        <source>Resolve the case</source>
        <translation>Risolvi il caso</translation>
    </message>
    <message>
        <source>Save as view</source>
        <translation>Salva come vista</translation>
    </message>
    <message>
        <source>Save the search as a view (in the search field)</source>
        <translation>Salva la ricerca come vista (nel campo di ricerca)</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Cerca</translation>
    </message>
    <message>
        <source>Send the reply or note</source>
        <translation>Invia la risposta o la nota</translation>
    </message>
    <message>
        <source>Show only this case / whole history</source>
        <translation>Solo questo caso / tutta la storia</translation>
    </message>
    <message>
        <source>Snooze until…</source>
        <translation>Rimanda a…</translation>
    </message>
    <message>
        <source>Switch view</source>
        <translation>Cambia vista</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Etichette</translation>
    </message>
    <message>
        <source>Tags, separated by commas:</source>
        <translation>Etichette, separate da virgole:</translation>
    </message>
    <message>
        <source>This list</source>
        <translation>Questo elenco</translation>
    </message>
    <message>
        <source>Type something to search for first, then save it.</source>
        <translation>Prima scrivi cosa cercare, poi salvalo.</translation>
    </message>
    <message>
        <source>Undo the last case action</source>
        <translation>Annulla l'ultima azione sul caso</translation>
    </message>
    <message>
        <source>View “{name}” deleted.</source>
        <translation>Vista «{name}» eliminata.</translation>
    </message>
    <message>
        <source>View “{name}” saved.</source>
        <translation>Vista «{name}» salvata.</translation>
    </message>
</context>
<context>
    <name>WorkloadDialog</name>
    <message>
        <source>Workload</source>
        <translation>Carico di lavoro</translation>
    </message>
    <message>
        <source>Only team leads and admins reassign cases.</source>
        <translation>Solo i responsabili e gli amministratori riassegnano i casi.</translation>
    </message>
    <message>
        <source>Cases per agent</source>
        <translation>Casi per operatore</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Operatore</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Aperti</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>In sospeso</translation>
    </message>
    <message>
        <source>Cases of the selected agent:</source>
        <translation>Casi dell'operatore selezionato:</translation>
    </message>
    <message>
        <source>Cases of the selected agent</source>
        <translation>Casi dell'operatore selezionato</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>Non assegnati</translation>
    </message>
    <message>
        <source>Nobody (unassign)</source>
        <translation>Nessuno (togli assegnazione)</translation>
    </message>
    <message>
        <source>Select one or more cases first.</source>
        <translation>Seleziona prima uno o più casi.</translation>
    </message>
    <message>
        <source>1 case assigned to {who}.</source>
        <translation>1 caso assegnato a {who}.</translation>
    </message>
    <message>
        <source>Assign</source>
        <translation>Assegna</translation>
    </message>
    <message>
        <source>Assign selected to</source>
        <translation>Assegna i selezionati a</translation>
    </message>
    <message>
        <source>At capacity: no more cases automatically</source>
        <translation>Capacità piena: nessun altro caso automaticamente</translation>
    </message>
    <message>
        <source>Automatic assignment gives cases only to available agents</source>
        <translation>L'assegnazione automatica dà casi solo agli operatori disponibili</translation>
    </message>
    <message>
        <source>Availability</source>
        <translation>Disponibilità</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>Disponibile</translation>
    </message>
    <message>
        <source>Away</source>
        <translation>Assente</translation>
    </message>
    <message>
        <source>Capacity</source>
        <translation>Capacità</translation>
    </message>
    <message>
        <source>Cases of {name}:</source>
        <translation>Casi di {name}:</translation>
    </message>
    <message>
        <source>Drag cases onto an agent to reassign them, or select several and choose an agent below.</source>
        <translation>Trascina i casi su un operatore per riassegnarli, oppure selezionane diversi e scegli un operatore qui sotto.</translation>
    </message>
    <message>
        <source>Mark available</source>
        <translation>Segna disponibile</translation>
    </message>
    <message>
        <source>Mark away</source>
        <translation>Segna assente</translation>
    </message>
    <message>
        <source>Unassigned cases:</source>
        <translation>Casi non assegnati:</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>nessun limite</translation>
    </message>
    <message>
        <source>nobody</source>
        <translation>nessuno</translation>
    </message>
    <message>
        <source>{n} cases assigned to {who}.</source>
        <translation>{n} casi assegnati a {who}.</translation>
    </message>
</context>
<context>
    <name>MessageMarks</name>
    <message>
        <source>answered from another mail program</source>
        <translation>risposto da un altro programma di posta</translation>
    </message>
    <message>
        <source>forwarded from another mail program</source>
        <translation>inoltrato da un altro programma di posta</translation>
    </message>
    <message>
        <source>flagged</source>
        <translation>contrassegnato</translation>
    </message>
    <message>
        <source>deleted on the mail server, kept here</source>
        <translation>eliminato sul server di posta, conservato qui</translation>
    </message>
    <message>
        <source>removed: {reason}</source>
        <translation>rimosso: {reason}</translation>
    </message>
    <message>
        <source>removed</source>
        <translation>rimosso</translation>
    </message>
    <message>
        <source>edited {when}</source>
        <translation>modificato {when}</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>modificato</translation>
    </message>
    <message>
        <source>This message was removed on its channel.</source>
        <translation>Questo messaggio è stato rimosso sul suo canale.</translation>
    </message>
    <message>
        <source>a lead</source>
        <translation>un responsabile</translation>
    </message>
    <message>
        <source>approved by {who}</source>
        <translation>approvata da {who}</translation>
    </message>
    <message>
        <source>approved by {who}, with their edit</source>
        <translation>approvata da {who}, con la sua modifica</translation>
    </message>
    <message>
        <source>rejected by {who}: {reason}</source>
        <translation>rifiutata da {who}: {reason}</translation>
    </message>
    <message>
        <source>waits for a lead's approval before it is sent</source>
        <translation>attende l'approvazione di un responsabile prima di partire</translation>
    </message>
</context>
<context>
    <name>SimilarCustomers</name>
    <message>
        <source>Maybe the same person</source>
        <translation>Forse la stessa persona</translation>
    </message>
    <message>
        <source>Other customers with the same name, or the same mailbox name at another provider. Nothing is merged until you say so.</source>
        <translation>Altri clienti con lo stesso nome, o lo stesso nome di casella presso un altro provider. Nulla viene unito finché non lo decidi tu.</translation>
    </message>
    <message>
        <source>same mailbox name</source>
        <translation>stesso nome di casella</translation>
    </message>
    <message>
        <source>1 open case</source>
        <translation>1 caso aperto</translation>
    </message>
    <message>
        <source>{n} open cases</source>
        <translation>{n} casi aperti</translation>
    </message>
    <message>
        <source>Customer {id}</source>
        <translation>Cliente {id}</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>Unisci</translation>
    </message>
    <message>
        <source>Merge {name} into this customer</source>
        <translation>Unisci {name} a questo cliente</translation>
    </message>
    <message>
        <source>Not the same</source>
        <translation>Persona diversa</translation>
    </message>
    <message>
        <source>Two different people: do not suggest {name} again</source>
        <translation>Due persone diverse: non suggerire più {name}</translation>
    </message>
</context>
<context>
    <name>ReplyFiles</name>
    <message>
        <source>Attach…</source>
        <translation>Allega…</translation>
    </message>
    <message>
        <source>Send files with the reply</source>
        <translation>Invia file con la risposta</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>Allega file</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>mancante</translation>
    </message>
    <message>
        <source>Remove {name}</source>
        <translation>Togli {name}</translation>
    </message>
</context>
<context>
    <name>AvailabilityButton</name>
    <message>
        <source>Automatic assignment gives you new cases. Click to be away.</source>
        <translation>L'assegnazione automatica ti dà nuovi casi. Fai clic per essere assente.</translation>
    </message>
    <message>
        <source>You get no new cases automatically. Click to be available.</source>
        <translation>Non ricevi nuovi casi automaticamente. Fai clic per essere disponibile.</translation>
    </message>
    <message>
        <source>Your availability</source>
        <translation>La tua disponibilità</translation>
    </message>
    <message>
        <source>○ Away</source>
        <translation>○ Assente</translation>
    </message>
    <message>
        <source>● Available</source>
        <translation>● Disponibile</translation>
    </message>
</context>
<context>
    <name>TeamAssignForm</name>
    <message>
        <source> open cases per agent</source>
        <translation> casi aperti per operatore</translation>
    </message>
    <message>
        <source>Automatic assignment</source>
        <translation>Assegnazione automatica</translation>
    </message>
    <message>
        <source>Automatic assignment gives nobody more open cases than this</source>
        <translation>L'assegnazione automatica non dà a nessuno più casi aperti di così</translation>
    </message>
    <message>
        <source>Capacity</source>
        <translation>Capacità</translation>
    </message>
    <message>
        <source>Hand out cases</source>
        <translation>Distribuisci i casi</translation>
    </message>
    <message>
        <source>New and reopened cases of the team go to its available agents</source>
        <translation>I casi nuovi e riaperti del team vanno ai suoi operatori disponibili</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>Nessun limite</translation>
    </message>
    <message>
        <source>Only admins change automatic assignment</source>
        <translation>Solo gli amministratori cambiano l'assegnazione automatica</translation>
    </message>
    <message>
        <source>Save assignment</source>
        <translation>Salva assegnazione</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>nessun limite</translation>
    </message>
    <message>
        <source>{team}: {mode}; capacity {limit}.</source>
        <translation>{team}: {mode}; capacità {limit}.</translation>
    </message>
    <message>
        <source>Automatic assignment of {team}</source>
        <translation>Assegnazione automatica di {team}</translation>
    </message>
</context>
<context>
    <name>ApprovalDialog</name>
    <message>
        <source>&amp;Approve and send</source>
        <translation>&amp;Approva e invia</translation>
    </message>
    <message>
        <source>&amp;Approve edited reply</source>
        <translation>&amp;Approva la risposta modificata</translation>
    </message>
    <message>
        <source>&amp;Reject</source>
        <translation>&amp;Rifiuta</translation>
    </message>
    <message>
        <source>(nothing from the customer in this conversation)</source>
        <translation>(nulla dal cliente in questa conversazione)</translation>
    </message>
    <message>
        <source>Another lead</source>
        <translation>Un altro responsabile</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annulla</translation>
    </message>
    <message>
        <source>Edit the reply before approving it if it needs it; the text as written is kept</source>
        <translation>Modifica la risposta prima di approvarla, se serve; il testo originale resta conservato</translation>
    </message>
    <message>
        <source>Needed to reject: the author reads it</source>
        <translation>Necessario per rifiutare: l'autore lo legge</translation>
    </message>
    <message>
        <source>Not done: {why}</source>
        <translation>Non fatto: {why}</translation>
    </message>
    <message>
        <source>Only leads and admins decide on held replies.</source>
        <translation>Solo responsabili e amministratori decidono sulle risposte in attesa.</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>Motivo:</translation>
    </message>
    <message>
        <source>Reply awaiting approval</source>
        <translation>Risposta in attesa di approvazione</translation>
    </message>
    <message>
        <source>Reply by {author} on case #{case} ({account}), held because {why}.</source>
        <translation>Risposta di {author} sul caso #{case} ({account}), trattenuta perché {why}.</translation>
    </message>
    <message>
        <source>Reply to approve</source>
        <translation>Risposta da approvare</translation>
    </message>
    <message>
        <source>Reply:</source>
        <translation>Risposta:</translation>
    </message>
    <message>
        <source>The customer wrote:</source>
        <translation>Il cliente ha scritto:</translation>
    </message>
    <message>
        <source>This is your own reply: another lead decides on it.</source>
        <translation>È una tua risposta: decide un altro responsabile.</translation>
    </message>
    <message>
        <source>Write the reason first: the author reads it</source>
        <translation>Scrivi prima il motivo: l'autore lo legge</translation>
    </message>
    <message>
        <source>an unnamed agent</source>
        <translation>un operatore senza nome</translation>
    </message>
    <message>
        <source>{who} already decided on this reply.</source>
        <translation>{who} ha già deciso su questa risposta.</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Chiudi</translation>
    </message>
</context>
<context>
    <name>Approvals</name>
    <message>
        <source>everyone can read it</source>
        <translation>chiunque può leggerla</translation>
    </message>
    <message>
        <source>it answers a 1-star review</source>
        <translation>risponde a una recensione da 1 stella</translation>
    </message>
    <message>
        <source>it answers a low-rated review</source>
        <translation>risponde a una recensione con voto basso</translation>
    </message>
    <message>
        <source>it answers a {n}-star review</source>
        <translation>risponde a una recensione da {n} stelle</translation>
    </message>
    <message>
        <source>its author is a trainee</source>
        <translation>il suo autore è in formazione</translation>
    </message>
</context>
<context>
    <name>ConnectorSettings</name>
    <message>
        <source>Business Information API</source>
        <translation>API Business Information</translation>
    </message>
    <message>
        <source>Google's Business Information API, where the manager's locations are listed.</source>
        <translation>L'API Business Information di Google, dove sono elencate le sedi del gestore.</translation>
    </message>
    <message>
        <source>Account Management API</source>
        <translation>API Account Management</translation>
    </message>
    <message>
        <source>Google's Account Management API, where the manager's accounts are listed.</source>
        <translation>L'API Account Management di Google, dove sono elencati gli account del gestore.</translation>
    </message>
    <message>
        <source>What the sign-in asks access to; known for Google.</source>
        <translation>A cosa l'accesso chiede di poter accedere; già noto per Google.</translation>
    </message>
    <message>
        <source>Google's sign-in page; change it only to point at a test server.</source>
        <translation>La pagina di accesso di Google; cambiala solo per puntare a un server di prova.</translation>
    </message>
    <message>
        <source>the OAuth client secret, then sign in with Google as a manager of the location; or, for a worker without a browser, one line of JSON: {"client_secret": "...", "refresh_token": "..."} (Google's authorized-user JSON)</source>
        <translation>il segreto client OAuth, poi accedi con Google come gestore della sede; oppure, per un worker senza browser, una riga di JSON: {"client_secret": "...", "refresh_token": "..."} (il JSON authorized-user di Google)</translation>
    </message>
    <message>
        <source>none needed when you sign in with Mastodon; otherwise an access token from the account's Preferences &gt; Development, with the scopes read, write:statuses and write:media</source>
        <translation>nessuno se accedi con Mastodon; altrimenti un token di accesso dalle Preferenze &gt; Sviluppo dell'account, con gli ambiti read, write:statuses e write:media</translation>
    </message>
    <message>
        <source>What the sign-in asks access to; known for Google and Microsoft.</source>
        <translation>A cosa l'accesso chiede di poter accedere; già noto per Google e Microsoft.</translation>
    </message>
    <message>
        <source>OAuth scope</source>
        <translation>Ambito OAuth</translation>
    </message>
    <message>
        <source>Where sign-in tokens are obtained; known for Google and Microsoft.</source>
        <translation>Dove si ottengono i token di accesso; già noto per Google e Microsoft.</translation>
    </message>
    <message>
        <source>The provider's sign-in page; known for Google and Microsoft.</source>
        <translation>La pagina di accesso del provider; già nota per Google e Microsoft.</translation>
    </message>
    <message>
        <source>OAuth sign-in page</source>
        <translation>Pagina di accesso OAuth</translation>
    </message>
    <message>
        <source>The client ID Unisono is registered with at the provider (OAuth 2 sign-in only).</source>
        <translation>L'ID client con cui Unisono è registrato presso il provider (solo per l'accesso OAuth 2).</translation>
    </message>
    <message>
        <source>Another provider</source>
        <translation>Un altro provider</translation>
    </message>
    <message>
        <source>Microsoft</source>
        <translation>Microsoft</translation>
    </message>
    <message>
        <source>Google</source>
        <translation>Google</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>Automatico</translation>
    </message>
    <message>
        <source>Whose sign-in page is used; found from the server names when left on automatic.</source>
        <translation>Di chi è la pagina di accesso usata; se lasciato su automatico, si ricava dai nomi dei server.</translation>
    </message>
    <message>
        <source>Sign-in provider</source>
        <translation>Provider di accesso</translation>
    </message>
    <message>
        <source>Sign in with the provider (OAuth 2)</source>
        <translation>Accesso con il provider (OAuth 2)</translation>
    </message>
    <message>
        <source>How Unisono signs in to the mailbox: with its password, or through the provider's own sign-in page (needed by Microsoft 365 and preferred by Google).</source>
        <translation>Come Unisono accede alla casella: con la sua password, oppure dalla pagina di accesso del provider (necessaria per Microsoft 365 e preferita da Google).</translation>
    </message>
    <message>
        <source>Sign-in method</source>
        <translation>Metodo di accesso</translation>
    </message>
    <message>
        <source>Email (IMAP and SMTP)</source>
        <translation>Email (IMAP e SMTP)</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>the mailbox password (or an app password where the provider asks for one)</source>
        <translation>la password della casella (o una password per le app, dove il provider la chiede)</translation>
    </message>
    <message>
        <source>Sender name</source>
        <translation>Nome del mittente</translation>
    </message>
    <message>
        <source>The name shown beside the address, e.g. the team's name.</source>
        <translation>Il nome mostrato accanto all'indirizzo, per esempio quello del team.</translation>
    </message>
    <message>
        <source>Email address</source>
        <translation>Indirizzo email</translation>
    </message>
    <message>
        <source>The address customers see and write to.</source>
        <translation>L'indirizzo che i clienti vedono e a cui scrivono.</translation>
    </message>
    <message>
        <source>Login name</source>
        <translation>Nome di accesso</translation>
    </message>
    <message>
        <source>The login name, when it is not the email address itself.</source>
        <translation>Il nome di accesso, quando non è l'indirizzo email stesso.</translation>
    </message>
    <message>
        <source>Incoming mail server (IMAP)</source>
        <translation>Server della posta in arrivo (IMAP)</translation>
    </message>
    <message>
        <source>Where mail is read, e.g. imap.example.com.</source>
        <translation>Dove si legge la posta, per esempio imap.example.com.</translation>
    </message>
    <message>
        <source>Incoming server security</source>
        <translation>Sicurezza del server in arrivo</translation>
    </message>
    <message>
        <source>How the connection to the incoming server is encrypted.</source>
        <translation>Come è cifrata la connessione al server della posta in arrivo.</translation>
    </message>
    <message>
        <source>SSL/TLS</source>
        <translation>SSL/TLS</translation>
    </message>
    <message>
        <source>STARTTLS</source>
        <translation>STARTTLS</translation>
    </message>
    <message>
        <source>None (this computer only)</source>
        <translation>Nessuna (solo questo computer)</translation>
    </message>
    <message>
        <source>Incoming server port</source>
        <translation>Porta del server in arrivo</translation>
    </message>
    <message>
        <source>993 with SSL/TLS, 143 with STARTTLS; change it only if the provider says so.</source>
        <translation>993 con SSL/TLS, 143 con STARTTLS; cambiala solo se il provider lo dice.</translation>
    </message>
    <message>
        <source>Outgoing mail server (SMTP)</source>
        <translation>Server della posta in uscita (SMTP)</translation>
    </message>
    <message>
        <source>Where replies are sent from, e.g. smtp.example.com (empty: the incoming server).</source>
        <translation>Da dove partono le risposte, per esempio smtp.example.com (vuoto: il server in arrivo).</translation>
    </message>
    <message>
        <source>Outgoing server security</source>
        <translation>Sicurezza del server in uscita</translation>
    </message>
    <message>
        <source>How the connection to the outgoing server is encrypted.</source>
        <translation>Come è cifrata la connessione al server della posta in uscita.</translation>
    </message>
    <message>
        <source>Outgoing server port</source>
        <translation>Porta del server in uscita</translation>
    </message>
    <message>
        <source>465 with SSL/TLS, 587 with STARTTLS; change it only if the provider says so.</source>
        <translation>465 con SSL/TLS, 587 con STARTTLS; cambiala solo se il provider lo dice.</translation>
    </message>
    <message>
        <source>Folders to import</source>
        <translation>Cartelle da importare</translation>
    </message>
    <message>
        <source>The folders whose mail comes into the inbox, separated by commas.</source>
        <translation>Le cartelle la cui posta entra nella casella, separate da virgole.</translation>
    </message>
    <message>
        <source>Sent folder</source>
        <translation>Cartella della posta inviata</translation>
    </message>
    <message>
        <source>Where copies of replies are kept; found by itself when left empty.</source>
        <translation>Dove si tengono le copie delle risposte; se vuota, si trova da sola.</translation>
    </message>
    <message>
        <source>Copy replies to the sent folder</source>
        <translation>Copia le risposte nella posta inviata</translation>
    </message>
    <message>
        <source>Keep a copy of each reply in the sent folder (turn off if the provider does it).</source>
        <translation>Tieni una copia di ogni risposta nella posta inviata (disattiva se lo fa il provider).</translation>
    </message>
    <message>
        <source>Extra trusted certificate</source>
        <translation>Certificato aggiuntivo di fiducia</translation>
    </message>
    <message>
        <source>A certificate file to trust, for a server with a certificate of its own.</source>
        <translation>Un file di certificato di cui fidarsi, per un server con un certificato proprio.</translation>
    </message>
    <message>
        <source>Days of mail to import first</source>
        <translation>Giorni di posta da importare all'inizio</translation>
    </message>
    <message>
        <source>On the first import, fetch only the mail of the last so many days (0: all of it).</source>
        <translation>Alla prima importazione, prendi solo la posta degli ultimi giorni indicati (0: tutta).</translation>
    </message>
    <message>
        <source>Check every (seconds)</source>
        <translation>Controlla ogni (secondi)</translation>
    </message>
    <message>
        <source>Seconds between checks when the server cannot announce new mail.</source>
        <translation>Secondi tra due controlli quando il server non sa annunciare la posta nuova.</translation>
    </message>
    <message>
        <source>Renew waiting connection after (seconds)</source>
        <translation>Rinnova la connessione in attesa dopo (secondi)</translation>
    </message>
    <message>
        <source>Seconds before a connection waiting for new mail is renewed.</source>
        <translation>Secondi prima che una connessione in attesa di posta nuova venga rinnovata.</translation>
    </message>
    <message>
        <source>Testing channel</source>
        <translation>Canale di prova</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Cartella</translation>
    </message>
    <message>
        <source>The folder whose files play the remote server.</source>
        <translation>La cartella i cui file fanno da server remoto.</translation>
    </message>
    <message>
        <source>Plays the channel</source>
        <translation>Fa da canale</translation>
    </message>
    <message>
        <source>Which kind of channel this testing account plays.</source>
        <translation>Quale tipo di canale imita questo account di prova.</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Email</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <source>Social</source>
        <translation>Social</translation>
    </message>
    <message>
        <source>Reviews</source>
        <translation>Recensioni</translation>
    </message>
    <message>
        <source>Messages per batch</source>
        <translation>Messaggi per blocco</translation>
    </message>
    <message>
        <source>Messages stored together in one step.</source>
        <translation>Messaggi salvati insieme in un solo passo.</translation>
    </message>
    <message>
        <source>Seconds between two looks for new messages.</source>
        <translation>Secondi tra due controlli dei messaggi nuovi.</translation>
    </message>
    <message>
        <source>Google reviews</source>
        <translation>Recensioni Google</translation>
    </message>
    <message>
        <source>Authorization (JSON)</source>
        <translation>Autorizzazione (JSON)</translation>
    </message>
    <message>
        <source>Business location</source>
        <translation>Sede dell'attività</translation>
    </message>
    <message>
        <source>The location as Google names it: accounts/ACCOUNT_ID/locations/LOCATION_ID.</source>
        <translation>La sede come la chiama Google: accounts/ACCOUNT_ID/locations/LOCATION_ID.</translation>
    </message>
    <message>
        <source>Account ID</source>
        <translation>ID dell'account</translation>
    </message>
    <message>
        <source>Instead of the location's full name: the Business Profile account ID.</source>
        <translation>Al posto del nome completo della sede: l'ID dell'account del Profilo dell'attività.</translation>
    </message>
    <message>
        <source>Location ID</source>
        <translation>ID della sede</translation>
    </message>
    <message>
        <source>Instead of the location's full name: the location ID (with the account ID).</source>
        <translation>Al posto del nome completo della sede: l'ID della sede (con l'ID dell'account).</translation>
    </message>
    <message>
        <source>OAuth client ID</source>
        <translation>ID client OAuth</translation>
    </message>
    <message>
        <source>The OAuth client ID (…apps.googleusercontent.com) of the Google Cloud project allowed to use the Business Profile API; it needs the scope https://www.googleapis.com/auth/business.manage.</source>
        <translation>L'ID client OAuth (…apps.googleusercontent.com) del progetto Google Cloud autorizzato a usare l'API del Profilo dell'attività; serve l'ambito https://www.googleapis.com/auth/business.manage.</translation>
    </message>
    <message>
        <source>Days of reviews to import first</source>
        <translation>Giorni di recensioni da importare all'inizio</translation>
    </message>
    <message>
        <source>Days of reviews the first sync brings in (0: all of them).</source>
        <translation>Giorni di recensioni che porta la prima sincronizzazione (0: tutte).</translation>
    </message>
    <message>
        <source>Seconds between two looks for new or edited reviews.</source>
        <translation>Secondi tra due controlli di recensioni nuove o modificate.</translation>
    </message>
    <message>
        <source>Read again the last (days)</source>
        <translation>Rileggi gli ultimi (giorni)</translation>
    </message>
    <message>
        <source>Days back that reviews are read again for answers written on Google Maps and for removed reviews (0: never).</source>
        <translation>Giorni all'indietro in cui le recensioni vengono rilette, per le risposte scritte su Google Maps e le recensioni rimosse (0: mai).</translation>
    </message>
    <message>
        <source>Read again every (minutes)</source>
        <translation>Rileggi ogni (minuti)</translation>
    </message>
    <message>
        <source>Minutes between two such readings (0: at every sync).</source>
        <translation>Minuti tra due di queste riletture (0: a ogni sincronizzazione).</translation>
    </message>
    <message>
        <source>Business Profile API</source>
        <translation>API del Profilo dell'attività</translation>
    </message>
    <message>
        <source>The Business Profile API; change it only to point at a test server.</source>
        <translation>L'API del Profilo dell'attività; cambiala solo per puntare a un server di prova.</translation>
    </message>
    <message>
        <source>OAuth token address</source>
        <translation>Indirizzo dei token OAuth</translation>
    </message>
    <message>
        <source>Google's OAuth token address; change it only to point at a test server.</source>
        <translation>L'indirizzo dei token OAuth di Google; cambialo solo per puntare a un server di prova.</translation>
    </message>
    <message>
        <source>Mastodon</source>
        <translation>Mastodon</translation>
    </message>
    <message>
        <source>Access token</source>
        <translation>Token di accesso</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>The Mastodon server the account lives on, e.g. https://mastodon.social.</source>
        <translation>Il server Mastodon su cui vive l'account, per esempio https://mastodon.social.</translation>
    </message>
    <message>
        <source>Answer public mentions in public</source>
        <translation>Rispondi in pubblico alle menzioni pubbliche</translation>
    </message>
    <message>
        <source>Answer a public mention with an unlisted reply instead of a private one.</source>
        <translation>Rispondi a una menzione pubblica con una risposta non in elenco invece che privata.</translation>
    </message>
    <message>
        <source>Seconds between two looks for new mentions.</source>
        <translation>Secondi tra due controlli delle menzioni nuove.</translation>
    </message>
    <message>
        <source>Matrix</source>
        <translation>Matrix</translation>
    </message>
    <message>
        <source>Password or access token</source>
        <translation>Password o token di accesso</translation>
    </message>
    <message>
        <source>the account's password, or an access token</source>
        <translation>la password dell'account, o un token di accesso</translation>
    </message>
    <message>
        <source>Matrix ID</source>
        <translation>ID Matrix</translation>
    </message>
    <message>
        <source>The support account's Matrix ID; its server is found from it.</source>
        <translation>L'ID Matrix dell'account di assistenza; il suo server si trova da qui.</translation>
    </message>
    <message>
        <source>Homeserver</source>
        <translation>Homeserver</translation>
    </message>
    <message>
        <source>The server's address, e.g. https://matrix.example.org (found from the Matrix ID).</source>
        <translation>L'indirizzo del server, per esempio https://matrix.example.org (si trova dall'ID Matrix).</translation>
    </message>
    <message>
        <source>The secret is</source>
        <translation>Il segreto è</translation>
    </message>
    <message>
        <source>Whether the secret below is the account's password or an access token.</source>
        <translation>Se il segreto qui sotto è la password dell'account o un token di accesso.</translation>
    </message>
    <message>
        <source>The password</source>
        <translation>La password</translation>
    </message>
    <message>
        <source>An access token</source>
        <translation>Un token di accesso</translation>
    </message>
    <message>
        <source>Join rooms when invited</source>
        <translation>Entra nelle stanze quando invitato</translation>
    </message>
    <message>
        <source>Join the rooms the account is invited to.</source>
        <translation>Entra nelle stanze a cui l'account è invitato.</translation>
    </message>
    <message>
        <source>Device ID</source>
        <translation>ID del dispositivo</translation>
    </message>
    <message>
        <source>The device to sign in as; empty: one kept for this account.</source>
        <translation>Il dispositivo con cui accedere; vuoto: uno tenuto per questo account.</translation>
    </message>
    <message>
        <source>Device name</source>
        <translation>Nome del dispositivo</translation>
    </message>
    <message>
        <source>The device name other Matrix apps show.</source>
        <translation>Il nome del dispositivo che mostrano le altre app Matrix.</translation>
    </message>
    <message>
        <source>Messages per room per sync</source>
        <translation>Messaggi per stanza a ogni sincronizzazione</translation>
    </message>
    <message>
        <source>Messages per room in one sync before gaps are filled in.</source>
        <translation>Messaggi per stanza in una sincronizzazione, prima di colmare i vuoti.</translation>
    </message>
    <message>
        <source>History of a new room</source>
        <translation>Cronologia di una stanza nuova</translation>
    </message>
    <message>
        <source>Earlier messages imported from a room seen for the first time.</source>
        <translation>Messaggi precedenti importati da una stanza vista per la prima volta.</translation>
    </message>
    <message>
        <source>Largest file to download (MB)</source>
        <translation>File più grande da scaricare (MB)</translation>
    </message>
    <message>
        <source>Larger files are noted in the conversation but not downloaded.</source>
        <translation>I file più grandi sono segnalati nella conversazione ma non scaricati.</translation>
    </message>
    <message>
        <source>Telegram bot</source>
        <translation>Bot Telegram</translation>
    </message>
    <message>
        <source>Bot token</source>
        <translation>Token del bot</translation>
    </message>
    <message>
        <source>the bot token that @BotFather gave</source>
        <translation>il token del bot dato da @BotFather</translation>
    </message>
    <message>
        <source>Only these chats</source>
        <translation>Solo queste chat</translation>
    </message>
    <message>
        <source>Only these chat IDs reach the inbox, separated by commas; empty: every chat.</source>
        <translation>Solo questi ID di chat arrivano nella casella, separati da virgole; vuoto: tutte le chat.</translation>
    </message>
    <message>
        <source>Bot API server</source>
        <translation>Server della Bot API</translation>
    </message>
    <message>
        <source>The Bot API server; change it only for a Bot API server of your own.</source>
        <translation>Il server della Bot API; cambialo solo per un server Bot API vostro.</translation>
    </message>
    <message>
        <source>Wait for messages (seconds)</source>
        <translation>Attendi i messaggi (secondi)</translation>
    </message>
    <message>
        <source>Seconds one request waits for new messages.</source>
        <translation>Secondi per cui una richiesta attende messaggi nuovi.</translation>
    </message>
    <message>
        <source>Updates per batch</source>
        <translation>Aggiornamenti per blocco</translation>
    </message>
    <message>
        <source>Updates stored together in one step.</source>
        <translation>Aggiornamenti salvati insieme in un solo passo.</translation>
    </message>
    <message>
        <source>one line of JSON: {"client_secret": "...", "refresh_token": "..."} (Google's authorized-user JSON), granted by a manager of the location</source>
        <translation>una riga di JSON: {"client_secret": "...", "refresh_token": "..."} (il JSON di utente autorizzato di Google), concessa da un gestore della sede</translation>
    </message>
    <message>
        <source>an access token from the account's Preferences &gt; Development, with the scopes read, write:statuses and write:media</source>
        <translation>un token di accesso da Preferenze &gt; Sviluppo dell'account, con gli ambiti read, write:statuses e write:media</translation>
    </message>
</context>
<context>
    <name>AccountForm</name>
    <message>
        <source>only if the provider gave you one; kept in the system keyring</source>
        <translation>solo se il provider te ne ha dato uno; conservato nel portachiavi di sistema</translation>
    </message>
    <message>
        <source>Sign in again; if it keeps failing, check the client ID under More settings.</source>
        <translation>Accedi di nuovo; se continua a non riuscire, controlla l'ID client in Altre impostazioni.</translation>
    </message>
    <message>
        <source>Signing in needs no password here. Only if the provider gave you a client secret with the client ID, type it here.</source>
        <translation>Per accedere qui non serve la password. Solo se il provider ti ha dato un segreto client insieme all'ID client, scrivilo qui.</translation>
    </message>
    <message>
        <source>OAuth client secret</source>
        <translation>Segreto client OAuth</translation>
    </message>
    <message>
        <source>the domain's own mail configuration</source>
        <translation>la configurazione di posta del dominio stesso</translation>
    </message>
    <message>
        <source>the well-known file of the domain</source>
        <translation>il file well-known del dominio</translation>
    </message>
    <message>
        <source>Thunderbird's database of mail providers</source>
        <translation>la banca dati dei provider di posta di Thunderbird</translation>
    </message>
    <message>
        <source>Thunderbird's database, for the provider that receives the domain's mail</source>
        <translation>la banca dati di Thunderbird, per il provider che riceve la posta del dominio</translation>
    </message>
    <message>
        <source>the domain's DNS records (SRV)</source>
        <translation>i record DNS del dominio (SRV)</translation>
    </message>
    <message>
        <source>trying the usual server names</source>
        <translation>la prova dei nomi di server consueti</translation>
    </message>
    <message>
        <source>the server name in the ID</source>
        <translation>il nome del server nell'ID</translation>
    </message>
    <message>
        <source>The server's name was not found.</source>
        <translation>Il nome del server non è stato trovato.</translation>
    </message>
    <message>
        <source>Check the server name for typing errors, and that this computer is online.</source>
        <translation>Controlla che il nome del server sia scritto bene e che questo computer sia in rete.</translation>
    </message>
    <message>
        <source>The server did not accept a connection.</source>
        <translation>Il server non ha accettato la connessione.</translation>
    </message>
    <message>
        <source>Check the port and the security, or whether a firewall blocks the connection.</source>
        <translation>Controlla la porta e la sicurezza, o se un firewall blocca la connessione.</translation>
    </message>
    <message>
        <source>The server's TLS certificate is not trusted.</source>
        <translation>Il certificato TLS del server non è affidabile.</translation>
    </message>
    <message>
        <source>Check the server name; a server with a certificate of its own needs it under More settings.</source>
        <translation>Controlla il nome del server; un server con un certificato proprio lo richiede in Altre impostazioni.</translation>
    </message>
    <message>
        <source>The sign-in was refused.</source>
        <translation>L'accesso è stato rifiutato.</translation>
    </message>
    <message>
        <source>Check the login name and the password; some providers want an app password.</source>
        <translation>Controlla il nome di accesso e la password; alcuni provider vogliono una password per le app.</translation>
    </message>
    <message>
        <source>The server lacks something this app needs.</source>
        <translation>Al server manca qualcosa che serve a questa app.</translation>
    </message>
    <message>
        <source>Try the other security choice, or ask the provider which server to use.</source>
        <translation>Prova l'altra scelta di sicurezza, o chiedi al provider quale server usare.</translation>
    </message>
    <message>
        <source>The folder was not found.</source>
        <translation>La cartella non è stata trovata.</translation>
    </message>
    <message>
        <source>Check the folder names under More settings.</source>
        <translation>Controlla i nomi delle cartelle in Altre impostazioni.</translation>
    </message>
    <message>
        <source>Find settings</source>
        <translation>Trova le impostazioni</translation>
    </message>
    <message>
        <source>Look up the servers of this account from what you typed above</source>
        <translation>Cerca i server di questo account a partire da quanto scritto sopra</translation>
    </message>
    <message>
        <source>Fill in by hand</source>
        <translation>Compila a mano</translation>
    </message>
    <message>
        <source>More settings</source>
        <translation>Altre impostazioni</translation>
    </message>
    <message>
        <source>Password or token</source>
        <translation>Password o token</translation>
    </message>
    <message>
        <source>kept in the system keyring; leave empty to keep</source>
        <translation>conservata nel portachiavi di sistema; lascia vuoto per mantenerla</translation>
    </message>
    <message>
        <source>Looking…</source>
        <translation>Ricerca in corso…</translation>
    </message>
    <message>
        <source>Nothing was found for this account. Fill in the settings below by hand; your provider's help pages give them.</source>
        <translation>Non è stato trovato nulla per questo account. Compila a mano le impostazioni qui sotto; le pagine di aiuto del provider le riportano.</translation>
    </message>
    <message>
        <source>Found through {source}. Check the settings below and correct anything that is wrong.</source>
        <translation>Trovate tramite {source}. Controlla le impostazioni qui sotto e correggi ciò che è sbagliato.</translation>
    </message>
    <message>
        <source>This provider prefers signing in on its own page (OAuth); a password may work only as an app password.</source>
        <translation>Questo provider preferisce l'accesso dalla propria pagina (OAuth); una password potrebbe funzionare solo come password per le app.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Verifica in corso…</translation>
    </message>
    <message>
        <source>Not accepted: {reason}</source>
        <translation>Non accettato: {reason}</translation>
    </message>
    <message>
        <source>This is {who}.</source>
        <translation>È {who}.</translation>
    </message>
</context>
<context>
    <name>SignInRow</name>
    <message>
        <source>Choose what this account reads</source>
        <translation>Scegli cosa legge questo account</translation>
    </message>
    <message>
        <source>Signed in.</source>
        <translation>Accesso eseguito.</translation>
    </message>
    <message>
        <source>Signed in as {who}.</source>
        <translation>Accesso eseguito come {who}.</translation>
    </message>
    <message>
        <source>Not signed in: {reason}</source>
        <translation>Accesso non riuscito: {reason}</translation>
    </message>
    <message>
        <source>No browser could be opened. Open this address in your browser to sign in:
{url}</source>
        <translation>Non è stato possibile aprire un browser. Apri questo indirizzo nel browser per accedere:
{url}</translation>
    </message>
    <message>
        <source>Waiting for you to sign in in your browser…</source>
        <translation>In attesa che tu acceda nel browser…</translation>
    </message>
    <message>
        <source>Opening your browser…</source>
        <translation>Apertura del browser…</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Accedi</translation>
    </message>
    <message>
        <source>Sign in with {provider}</source>
        <translation>Accedi con {provider}</translation>
    </message>
</context>
<context>
    <name>Dashboard</name>
    <message>
        <source>% met</source>
        <translation>% rispettati</translation>
    </message>
    <message>
        <source>1 case opened in the period</source>
        <translation>1 caso aperto nel periodo</translation>
    </message>
    <message>
        <source>90th percentile</source>
        <translation>90° percentile</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Operatore</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Operatori</translation>
    </message>
    <message>
        <source>Backlog at the end of each day</source>
        <translation>Arretrato a fine giornata</translation>
    </message>
    <message>
        <source>Breached</source>
        <translation>Violati</translation>
    </message>
    <message>
        <source>Business hours</source>
        <translation>Orario lavorativo</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>File CSV (*.csv)</translation>
    </message>
    <message>
        <source>Cases opened per day, by channel</source>
        <translation>Casi aperti al giorno, per canale</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Canale</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Canali</translation>
    </message>
    <message>
        <source>Chosen dates</source>
        <translation>Date scelte</translation>
    </message>
    <message>
        <source>Could not write {path}: {reason}</source>
        <translation>Impossibile scrivere {path}: {reason}</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Calcolo in corso…</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>Esporta CSV</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Esporta CSV…</translation>
    </message>
    <message>
        <source>Exported to {path}.</source>
        <translation>Esportato in {path}.</translation>
    </message>
    <message>
        <source>First reply time</source>
        <translation>Tempo di prima risposta</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Dal</translation>
    </message>
    <message>
        <source>Last {n} days</source>
        <translation>Ultimi {n} giorni</translation>
    </message>
    <message>
        <source>Measure times in each case's business hours (its SLA policy's calendar); off: calendar time</source>
        <translation>Misura i tempi nell'orario lavorativo di ogni caso (il calendario della sua politica SLA); spento: tempo di calendario</translation>
    </message>
    <message>
        <source>Median</source>
        <translation>Mediana</translation>
    </message>
    <message>
        <source>Met</source>
        <translation>Rispettati</translation>
    </message>
    <message>
        <source>No team</source>
        <translation>Nessun team</translation>
    </message>
    <message>
        <source>Not resolved</source>
        <translation>Non risolti</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Periodo</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>Periodo:</translation>
    </message>
    <message>
        <source>Resolution time</source>
        <translation>Tempo di risoluzione</translation>
    </message>
    <message>
        <source>SLA targets met</source>
        <translation>Obiettivi SLA rispettati</translation>
    </message>
    <message>
        <source>SLA targets met per {group}</source>
        <translation>Obiettivi SLA rispettati per {group}</translation>
    </message>
    <message>
        <source>Service levels</source>
        <translation>Livelli di servizio</translation>
    </message>
    <message>
        <source>Targets</source>
        <translation>Obiettivi</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>Team</translation>
    </message>
    <message>
        <source>Teams</source>
        <translation>Team</translation>
    </message>
    <message>
        <source>The period ends before it starts.</source>
        <translation>Il periodo finisce prima di cominciare.</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Al</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>Non assegnati</translation>
    </message>
    <message>
        <source>cases</source>
        <translation>casi</translation>
    </message>
    <message>
        <source>days</source>
        <translation>giorni</translation>
    </message>
    <message>
        <source>hours</source>
        <translation>ore</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>minuti</translation>
    </message>
    <message>
        <source>{n} cases opened in the period</source>
        <translation>{n} casi aperti nel periodo</translation>
    </message>
    <message>
        <source>business hours</source>
        <translation>ore lavorative</translation>
    </message>
    <message>
        <source>business minutes</source>
        <translation>minuti lavorativi</translation>
    </message>
    <message>
        <source>No SLA target was met or missed in this period (targets come from the SLA policies).</source>
        <translation>Nessun obiettivo SLA rispettato o mancato in questo periodo (gli obiettivi vengono dalle politiche SLA).</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aggiorna</translation>
    </message>
    <message>
        <source>Read the period again, with what happened since</source>
        <translation>Rileggi il periodo, con quello che è successo nel frattempo</translation>
    </message>
</context>
<context>
    <name>CsatBadge</name>
    <message>
        <source>(no comment)</source>
        <translation>(nessun commento)</translation>
    </message>
    <message>
        <source>Satisfaction</source>
        <translation>Soddisfazione</translation>
    </message>
    <message>
        <source>Satisfaction asked</source>
        <translation>Soddisfazione chiesta</translation>
    </message>
    <message>
        <source>Satisfaction {score}/5</source>
        <translation>Soddisfazione {score}/5</translation>
    </message>
    <message>
        <source>The customer was asked on {when}; no answer yet</source>
        <translation>Chiesto al cliente il {when}; ancora nessuna risposta</translation>
    </message>
    <message>
        <source>The customer's answer: {comment}</source>
        <translation>La risposta del cliente: {comment}</translation>
    </message>
</context>
<context>
    <name>TeamCsatForm</name>
    <message>
        <source> days</source>
        <translation> giorni</translation>
    </message>
    <message>
        <source> minutes after resolving</source>
        <translation> minuti dalla risoluzione</translation>
    </message>
    <message>
        <source>A customer asked within this time is not asked again</source>
        <translation>A un cliente già interpellato in questo periodo non si chiede di nuovo</translation>
    </message>
    <message>
        <source>After a case is resolved its customer is asked once, on their own channel, to answer with a number from 1 to 5; no links</source>
        <translation>Dopo la risoluzione di un caso si chiede una volta al cliente, sul suo canale, di rispondere con un numero da 1 a 5; nessun link</translation>
    </message>
    <message>
        <source>Ask a customer at most every</source>
        <translation>Chiedi a un cliente al massimo ogni</translation>
    </message>
    <message>
        <source>Ask after</source>
        <translation>Chiedi dopo</translation>
    </message>
    <message>
        <source>Ask customers how satisfied they are</source>
        <translation>Chiedi ai clienti quanto sono soddisfatti</translation>
    </message>
    <message>
        <source>At most every</source>
        <translation>Al massimo ogni</translation>
    </message>
    <message>
        <source>At once</source>
        <translation>Subito</translation>
    </message>
    <message>
        <source>Only admins change satisfaction questions</source>
        <translation>Solo gli amministratori cambiano le domande di soddisfazione</translation>
    </message>
    <message>
        <source>Satisfaction</source>
        <translation>Soddisfazione</translation>
    </message>
    <message>
        <source>Satisfaction questions of {team}</source>
        <translation>Domande di soddisfazione di {team}</translation>
    </message>
    <message>
        <source>Save satisfaction</source>
        <translation>Salva soddisfazione</translation>
    </message>
    <message>
        <source>The case must still be resolved then</source>
        <translation>Il caso deve essere ancora risolto in quel momento</translation>
    </message>
    <message>
        <source>{team}: satisfaction asked {minutes} min after resolving, at most every {days} days.</source>
        <translation>{team}: soddisfazione chiesta {minutes} min dopo la risoluzione, al massimo ogni {days} giorni.</translation>
    </message>
    <message>
        <source>{team}: satisfaction questions off.</source>
        <translation>{team}: domande di soddisfazione disattivate.</translation>
    </message>
</context>
<context>
    <name>ServiceLevelsTab</name>
    <message>
        <source>30m, 4h or 2d (days are business days when counted in a calendar)</source>
        <translation>30m, 4h o 2d (i giorni sono lavorativi se si conta con un calendario)</translation>
    </message>
    <message>
        <source>Add calendar</source>
        <translation>Aggiungi calendario</translation>
    </message>
    <message>
        <source>Add policy</source>
        <translation>Aggiungi politica</translation>
    </message>
    <message>
        <source>Any channel</source>
        <translation>Qualsiasi canale</translation>
    </message>
    <message>
        <source>Any priority</source>
        <translation>Qualsiasi priorità</translation>
    </message>
    <message>
        <source>Any team</source>
        <translation>Qualsiasi team</translation>
    </message>
    <message>
        <source>Business hours</source>
        <translation>Orari di lavoro</translation>
    </message>
    <message>
        <source>Calendar added.</source>
        <translation>Calendario aggiunto.</translation>
    </message>
    <message>
        <source>Calendar removed.</source>
        <translation>Calendario rimosso.</translation>
    </message>
    <message>
        <source>Calendars</source>
        <translation>Calendari</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Canale</translation>
    </message>
    <message>
        <source>Close the selected calendar on this date</source>
        <translation>Chiudi il calendario selezionato in questa data</translation>
    </message>
    <message>
        <source>Counted in</source>
        <translation>Conteggio</translation>
    </message>
    <message>
        <source>First reply</source>
        <translation>Prima risposta</translation>
    </message>
    <message>
        <source>Holidays</source>
        <translation>Festività</translation>
    </message>
    <message>
        <source>Holidays (IT, IT-RM)</source>
        <translation>Festività (IT, IT-RM)</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>Sposta giù</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>Sposta su</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nome</translation>
    </message>
    <message>
        <source>Next reply</source>
        <translation>Risposta successiva</translation>
    </message>
    <message>
        <source>Order changed.</source>
        <translation>Ordine cambiato.</translation>
    </message>
    <message>
        <source>Policy added; open cases follow it from now on.</source>
        <translation>Politica aggiunta; i casi aperti la seguono da ora.</translation>
    </message>
    <message>
        <source>Policy removed.</source>
        <translation>Politica rimossa.</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorità</translation>
    </message>
    <message>
        <source>Remove calendar</source>
        <translation>Rimuovi calendario</translation>
    </message>
    <message>
        <source>Remove policy</source>
        <translation>Rimuovi politica</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>Risoluzione</translation>
    </message>
    <message>
        <source>SLA policies</source>
        <translation>Politiche SLA</translation>
    </message>
    <message>
        <source>SLA policies (the first that matches a case applies)</source>
        <translation>Politiche SLA (si applica la prima adatta al caso)</translation>
    </message>
    <message>
        <source>Select a calendar first.</source>
        <translation>Seleziona prima un calendario.</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>Team</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>Fuso orario</translation>
    </message>
    <message>
        <source>Time zone, e.g. Europe/Rome or America/New_York</source>
        <translation>Fuso orario, per esempio Europe/Rome o America/New_York</translation>
    </message>
    <message>
        <source>Working hours</source>
        <translation>Orario</translation>
    </message>
    <message>
        <source>Working hours per day, e.g. mon-fri=09:00-13:00,14:00-18:00; sat=09:00-12:00</source>
        <translation>Orario per giorno, per esempio mon-fri=09:00-13:00,14:00-18:00; sat=09:00-12:00</translation>
    </message>
    <message>
        <source>calendar time</source>
        <translation>tempo di calendario</translation>
    </message>
    <message>
        <source>{name} is closed on {day}.</source>
        <translation>{name} è chiuso il {day}.</translation>
    </message>
</context>
<context>
    <name>Sla</name>
    <message>
        <source>Missed: {targets}</source>
        <translation>Mancati: {targets}</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>In pausa</translation>
    </message>
    <message>
        <source>Policy: {name}</source>
        <translation>Politica: {name}</translation>
    </message>
    <message>
        <source>Resolution clock paused</source>
        <translation>Tempo di risoluzione in pausa</translation>
    </message>
    <message>
        <source>Resolution clock paused while the case waits</source>
        <translation>Tempo di risoluzione in pausa mentre il caso è in attesa</translation>
    </message>
    <message>
        <source>first reply</source>
        <translation>prima risposta</translation>
    </message>
    <message>
        <source>missed: {targets}</source>
        <translation>mancati: {targets}</translation>
    </message>
    <message>
        <source>next reply</source>
        <translation>risposta successiva</translation>
    </message>
    <message>
        <source>resolution</source>
        <translation>risoluzione</translation>
    </message>
    <message>
        <source>{d}d {h}h</source>
        <translation>{d}g {h}h</translation>
    </message>
    <message>
        <source>{h}h {m:02d}m</source>
        <translation>{h}h {m:02d}m</translation>
    </message>
    <message>
        <source>{m}m</source>
        <translation>{m}m</translation>
    </message>
    <message>
        <source>{span} left</source>
        <translation>{span} rimasti</translation>
    </message>
    <message>
        <source>{span} overdue</source>
        <translation>{span} in ritardo</translation>
    </message>
    <message>
        <source>{target} due {when}</source>
        <translation>{target} entro {when}</translation>
    </message>
    <message>
        <source>{target}: {due}</source>
        <translation>{target}: {due}</translation>
    </message>
</context>
<context>
    <name>Risk</name>
    <message>
        <source>Bad reviews</source>
        <translation>Recensioni negative</translation>
    </message>
    <message>
        <source>Came back within 7 days of a case being resolved: {count}</source>
        <translation>Tornato entro 7 giorni dalla risoluzione di un caso: {count}</translation>
    </message>
    <message>
        <source>Cases reopened in the last 90 days: {count}</source>
        <translation>Casi riaperti negli ultimi 90 giorni: {count}</translation>
    </message>
    <message>
        <source>Channel hopping</source>
        <translation>Cambio di canale</translation>
    </message>
    <message>
        <source>No score in the last 90 days</source>
        <translation>Nessun punteggio negli ultimi 90 giorni</translation>
    </message>
    <message>
        <source>Reopened</source>
        <translation>Riaperture</translation>
    </message>
    <message>
        <source>Repeat contact</source>
        <translation>Contatto ripetuto</translation>
    </message>
    <message>
        <source>Reviews with 1 or 2 stars: {stars}</source>
        <translation>Recensioni da 1 o 2 stelle: {stars}</translation>
    </message>
    <message>
        <source>Satisfaction</source>
        <translation>Soddisfazione</translation>
    </message>
    <message>
        <source>Satisfaction answers out of 5: {scores}</source>
        <translation>Risposte di soddisfazione su 5: {scores}</translation>
    </message>
    <message>
        <source>Score over the last 90 days: from {first} to {last}</source>
        <translation>Punteggio negli ultimi 90 giorni: da {first} a {last}</translation>
    </message>
    <message>
        <source>Service levels</source>
        <translation>Livelli di servizio</translation>
    </message>
    <message>
        <source>Service-level targets missed: {targets}, on {cases} cases</source>
        <translation>Obiettivi di servizio mancati: {targets}, su {cases} casi</translation>
    </message>
    <message>
        <source>Tone</source>
        <translation>Tono</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Attesa</translation>
    </message>
    <message>
        <source>Waiting for an answer for {time}</source>
        <translation>In attesa di risposta da {time}</translation>
    </message>
    <message>
        <source>Waiting for an answer for {time} of business hours</source>
        <translation>In attesa di risposta da {time} di orario lavorativo</translation>
    </message>
    <message>
        <source>Wrote on {first} and then on {second} within {time}</source>
        <translation>Ha scritto su {first} e poi su {second} entro {time}</translation>
    </message>
    <message>
        <source>{negative} of the last {count} messages in a negative tone (average {average})</source>
        <translation>{negative} degli ultimi {count} messaggi con tono negativo (media {average})</translation>
    </message>
    <message>
        <source>{n} days</source>
        <translation>{n} giorni</translation>
    </message>
    <message>
        <source>{n} h</source>
        <translation>{n} h</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} min</translation>
    </message>
</context>
<context>
    <name>RiskBox</name>
    <message>
        <source>90 days</source>
        <translation>90 giorni</translation>
    </message>
    <message>
        <source>At-risk score over the last 90 days</source>
        <translation>Punteggio di rischio negli ultimi 90 giorni</translation>
    </message>
    <message>
        <source>At risk</source>
        <translation>A rischio</translation>
    </message>
    <message>
        <source>At-risk score</source>
        <translation>Punteggio di rischio</translation>
    </message>
    <message>
        <source>Marked not at risk by {who}: {why}</source>
        <translation>Segnato come non a rischio da {who}: {why}</translation>
    </message>
    <message>
        <source>Not at risk…</source>
        <translation>Non a rischio…</translation>
    </message>
    <message>
        <source>Nothing puts this customer at risk now.</source>
        <translation>Al momento nulla mette a rischio questo cliente.</translation>
    </message>
    <message>
        <source>Say the score is wrong: it reads 0 until the customer writes again (kept in the audit trail)</source>
        <translation>Indica che il punteggio è sbagliato: resta a 0 finché il cliente non scrive di nuovo (registrato nel registro delle attività)</translation>
    </message>
    <message>
        <source>{score} / 100</source>
        <translation>{score} / 100</translation>
    </message>
</context>
<context>
    <name>SatisfactionDialog</name>
    <message>
        <source>(nobody)</source>
        <translation>(nessuno)</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Operatore</translation>
    </message>
    <message>
        <source>Answers</source>
        <translation>Risposte</translation>
    </message>
    <message>
        <source>Answers for {name}</source>
        <translation>Risposte per {name}</translation>
    </message>
    <message>
        <source>Asked</source>
        <translation>Chieste</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Per</translation>
    </message>
    <message>
        <source>CSAT</source>
        <translation>CSAT</translation>
    </message>
    <message>
        <source>CSAT {csat} · {answers} answers ({good} of 4–5) · {asked} asked · response rate {rate}</source>
        <translation>CSAT {csat} · {answers} risposte ({good} da 4–5) · {asked} chieste · tasso di risposta {rate}</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Canale</translation>
    </message>
    <message>
        <source>Choose a line to see its answers.</source>
        <translation>Scegli una riga per vederne le risposte.</translation>
    </message>
    <message>
        <source>Double-click an answer to open its case</source>
        <translation>Doppio clic su una risposta per aprirne il caso</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Dal</translation>
    </message>
    <message>
        <source>Response rate</source>
        <translation>Tasso di risposta</translation>
    </message>
    <message>
        <source>Satisfaction</source>
        <translation>Soddisfazione</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>Team</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Al</translation>
    </message>
    <message>
        <source>{score}/5 · case #{case}{comment}</source>
        <translation>{score}/5 · caso #{case}{comment}</translation>
    </message>
    <message>
        <source>{value} %</source>
        <translation>{value} %</translation>
    </message>
</context>
<context>
    <name>CsatTables</name>
    <message>
        <source>Satisfaction (CSAT)</source>
        <translation>Soddisfazione (CSAT)</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Agenti</translation>
    </message>
    <message>
        <source>Teams</source>
        <translation>Team</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Canali</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Agente</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>Team</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Canale</translation>
    </message>
    <message>
        <source>CSAT</source>
        <translation>CSAT</translation>
    </message>
    <message>
        <source>Answers</source>
        <translation>Risposte</translation>
    </message>
    <message>
        <source>Asked</source>
        <translation>Chieste</translation>
    </message>
    <message>
        <source>Response rate</source>
        <translation>Tasso di risposta</translation>
    </message>
    <message>
        <source>Nobody was asked in this period (Settings &gt; Teams turns it on).</source>
        <translation>Nessuno è stato interpellato in questo periodo (si attiva in Impostazioni &gt; Team).</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>Non assegnati</translation>
    </message>
    <message>
        <source>No team</source>
        <translation>Nessun team</translation>
    </message>
</context>
</TS>