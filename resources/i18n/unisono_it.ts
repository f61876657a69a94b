<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="it_IT">
<context>
    <name>AccountsTab</name>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="48" />
        <source>Channel accounts</source>
        <translation>Account dei canali</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="50" />
        <source>New account</source>
        <translation>Nuovo account</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="59" />
        <source>Kind</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="60" />
        <source>Name</source>
        <translation>Nome</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="65" />
        <source>Save</source>
        <translation>Salva</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="66" />
        <source>Test connection</source>
        <translation>Prova connessione</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="67" />
        <source>Remove</source>
        <translation>Rimuovi</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="134" />
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="136" />
        <source>Password or token</source>
        <translation>Password o token</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="135" />
        <source>kept in the system keyring; leave empty to keep</source>
        <translation>custodita nel portachiavi di sistema; lascia vuoto per mantenerla</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="137" />
        <source>Enabled</source>
        <translation>Attivo</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="194" />
        <source>Saved.</source>
        <translation>Salvato.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="199" />
        <source>Save the account first, then test it.</source>
        <translation>Salva prima l'account, poi provalo.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="201" />
        <source>Testing…</source>
        <translation>Prova in corso…</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="208" />
        <source>Connection failed: {reason}</source>
        <translation>Connessione non riuscita: {reason}</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="210" />
        <source>Connection works.</source>
        <translation>La connessione funziona.</translation>
    </message>
</context>
<context>
    <name>AgentsTab</name>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="229" />
        <source>Agents</source>
        <translation>Operatori</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="230" />
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="236" />
        <source>Name</source>
        <translation>Nome</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="230" />
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="238" />
        <source>Email</source>
        <translation>Email</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="230" />
        <source>Role</source>
        <translation>Ruolo</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="230" />
        <source>Team</source>
        <translation>Team</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="244" />
        <source>Add agent</source>
        <translation>Aggiungi operatore</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="272" />
        <source>Agent added.</source>
        <translation>Operatore aggiunto.</translation>
    </message>
</context>
<context>
    <name>AssignDialog</name>
    <message>
        <location filename="../../inbox_app/ui/dialogs/actions.py" line="64" />
        <source>Assign case</source>
        <translation>Assegna caso</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/actions.py" line="67" />
        <source>Agents and teams</source>
        <translation>Operatori e team</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/actions.py" line="68" />
        <source>Nobody (unassign)</source>
        <translation>Nessuno (togli assegnazione)</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/actions.py" line="72" />
        <source>{name} — {team}</source>
        <translation>{name} — {team}</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/actions.py" line="73" />
        <source>no team</source>
        <translation>nessun team</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/actions.py" line="77" />
        <source>Team: {team}</source>
        <translation>Team: {team}</translation>
    </message>
</context>
<context>
    <name>CallDialog</name>
    <message>
        <location filename="../../inbox_app/ui/dialogs/call.py" line="25" />
        <source>Log a call</source>
        <translation>Registra una chiamata</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/call.py" line="28" />
        <source>Inbound (the customer called)</source>
        <translation>In entrata (ha chiamato il cliente)</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/call.py" line="29" />
        <source>Outbound (we called)</source>
        <translation>In uscita (abbiamo chiamato noi)</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/call.py" line="30" />
        <source>Call</source>
        <translation>Chiamata</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/call.py" line="35" />
        <source>Number</source>
        <translation>Numero</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/call.py" line="38" />
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/call.py" line="39" />
        <source>Duration</source>
        <translation>Durata</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/call.py" line="43" />
        <source>Outcome</source>
        <translation>Esito</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/call.py" line="45" />
        <source>Call notes</source>
        <translation>Note della chiamata</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/call.py" line="46" />
        <source>Notes</source>
        <translation>Note</translation>
    </message>
</context>
<context>
    <name>CaseActions</name>
    <message>
        <location filename="../../inbox_app/ui/case_actions.py" line="36" />
        <source>You are not signed in as an agent; start with --as NAME.</source>
        <translation>Non sei collegato come operatore; avvia con --as NOME.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/case_actions.py" line="41" />
        <source>Case #{id} assigned to {who}.</source>
        <translation>Caso #{id} assegnato a {who}.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/case_actions.py" line="42" />
        <source>Case #{id} unassigned.</source>
        <translation>Caso #{id} senza assegnatario.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/case_actions.py" line="46" />
        <source>Case #{id} handed to team {team}.</source>
        <translation>Caso #{id} passato al team {team}.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/case_actions.py" line="52" />
        <source>Case #{id} is now {status}.</source>
        <translation>Il caso #{id} ora è {status}.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/case_actions.py" line="59" />
        <source>Case #{id} priority: {priority}.</source>
        <translation>Priorità del caso #{id}: {priority}.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/case_actions.py" line="64" />
        <source>Case #{id} tags updated.</source>
        <translation>Etichette del caso #{id} aggiornate.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/case_actions.py" line="72" />
        <source>Nothing to undo.</source>
        <translation>Niente da annullare.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/case_actions.py" line="78" />
        <source>Undone: {what}</source>
        <translation>Annullato: {what}</translation>
    </message>
</context>
<context>
    <name>CaseListModel</name>
    <message>
        <location filename="../../inbox_app/ui/case_list.py" line="67" />
        <source>Customer</source>
        <translation>Cliente</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/case_list.py" line="67" />
        <source>Channels</source>
        <translation>Canali</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/case_list.py" line="67" />
        <source>Subject</source>
        <translation>Oggetto</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/case_list.py" line="68" />
        <source>Status</source>
        <translation>Stato</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/case_list.py" line="68" />
        <source>Priority</source>
        <translation>Priorità</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/case_list.py" line="68" />
        <source>Assignee</source>
        <translation>Assegnatario</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/case_list.py" line="69" />
        <source>Waiting</source>
        <translation>In attesa</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/case_list.py" line="185" />
        <source>First reply due {when}</source>
        <translation>Prima risposta entro {when}</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/case_list.py" line="207" />
        <source>(no subject)</source>
        <translation>(senza oggetto)</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/case_list.py" line="210" />
        <source>Snoozed until {when}</source>
        <translation>Rimandato a {when}</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/case_list.py" line="215" />
        <source>{team} (team)</source>
        <translation>{team} (team)</translation>
    </message>
</context>
<context>
    <name>CaseListView</name>
    <message>
        <location filename="../../inbox_app/ui/case_list.py" line="264" />
        <source>Cases</source>
        <translation>Casi</translation>
    </message>
</context>
<context>
    <name>ChannelPreview</name>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="89" />
        <source>(empty)</source>
        <translation>(vuoto)</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="94" />
        <source>{n} / {limit} characters</source>
        <translation>{n} / {limit} caratteri</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="97" />
        <source>sent in {parts} parts</source>
        <translation>inviato in {parts} parti</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="99" />
        <source>too long for this channel</source>
        <translation>troppo lungo per questo canale</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="101" />
        <source>{n} characters</source>
        <translation>{n} caratteri</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="103" />
        <source>public reply</source>
        <translation>risposta pubblica</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="128" />
        <source>Reply through</source>
        <translation>Rispondi tramite</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="129" />
        <source>Channel account the reply goes through</source>
        <translation>Account del canale da cui parte la risposta</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="132" />
        <source>Insert template</source>
        <translation>Inserisci modello</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="133" />
        <source>Internal note</source>
        <translation>Nota interna</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="134" />
        <source>Only agents see a note (n)</source>
        <translation>Una nota la vedono solo gli operatori (n)</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="135" />
        <source>Preview</source>
        <translation>Anteprima</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="137" />
        <location filename="../../inbox_app/ui/composer.py" line="269" />
        <source>Send</source>
        <translation>Invia</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="138" />
        <source>Send (Ctrl+Enter)</source>
        <translation>Invia (Ctrl+Invio)</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="140" />
        <source>Via</source>
        <translation>Tramite</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="149" />
        <source>Reply text</source>
        <translation>Testo della risposta</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="150" />
        <source>Write a reply… (r to reply, n for a note, Ctrl+Enter sends)</source>
        <translation>Scrivi una risposta… (r per rispondere, n per una nota, Ctrl+Invio invia)</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="155" />
        <source>Preview per channel</source>
        <translation>Anteprima per canale</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="236" />
        <source>Insert template…</source>
        <translation>Inserisci modello…</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="269" />
        <source>Add note</source>
        <translation>Aggiungi nota</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="329" />
        <source>Nothing to send yet.</source>
        <translation>Ancora niente da inviare.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="334" />
        <source>This customer cannot be reached through any channel account; add a note instead.</source>
        <translation>Questo cliente non è raggiungibile da nessun account; aggiungi invece una nota.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="337" />
        <source>The reply is {n} characters long; {account} allows {limit}.</source>
        <translation>La risposta è lunga {n} caratteri; {account} ne consente {limit}.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="383" />
        <source>Note added.</source>
        <translation>Nota aggiunta.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="383" />
        <source>Reply queued.</source>
        <translation>Risposta in coda.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/composer.py" line="388" />
        <source>Not sent: {reason}</source>
        <translation>Non inviato: {reason}</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <location filename="../../inbox_app/ui/crash.py" line="49" />
        <source>Something went wrong</source>
        <translation>Qualcosa è andato storto</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/crash.py" line="51" />
        <source>Unisono met an unexpected error. Your data is safe; the action that failed may need to be repeated. The details below have passwords and tokens removed, so you can send them to support.</source>
        <translation>Unisono ha incontrato un errore imprevisto. I tuoi dati sono al sicuro; l'azione non riuscita potrebbe andare ripetuta. Dai dettagli qui sotto sono state tolte password e token: puoi inviarli all'assistenza.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/crash.py" line="58" />
        <source>Error details</source>
        <translation>Dettagli dell'errore</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/crash.py" line="61" />
        <source>Copy details</source>
        <translation>Copia i dettagli</translation>
    </message>
</context>
<context>
    <name>CustomerPanel</name>
    <message>
        <location filename="../../inbox_app/ui/customer_panel.py" line="44" />
        <source>Customer</source>
        <translation>Cliente</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/customer_panel.py" line="53" />
        <source>Customer name</source>
        <translation>Nome del cliente</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/customer_panel.py" line="54" />
        <source>Name</source>
        <translation>Nome</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/customer_panel.py" line="56" />
        <location filename="../../inbox_app/ui/customer_panel.py" line="59" />
        <source>Details</source>
        <translation>Dettagli</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/customer_panel.py" line="57" />
        <source>company: …
city: …</source>
        <translation>azienda: …
città: …</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/customer_panel.py" line="61" />
        <source>First seen</source>
        <translation>Primo contatto</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/customer_panel.py" line="64" />
        <source>Channels</source>
        <translation>Canali</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/customer_panel.py" line="66" />
        <location filename="../../inbox_app/ui/customer_panel.py" line="68" />
        <source>Identities</source>
        <translation>Identità</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/customer_panel.py" line="70" />
        <location filename="../../inbox_app/ui/customer_panel.py" line="72" />
        <source>Open cases</source>
        <translation>Casi aperti</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/customer_panel.py" line="74" />
        <location filename="../../inbox_app/ui/customer_panel.py" line="76" />
        <source>Past cases</source>
        <translation>Casi passati</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/customer_panel.py" line="78" />
        <location filename="../../inbox_app/ui/customer_panel.py" line="80" />
        <source>Notes about this customer</source>
        <translation>Note su questo cliente</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/customer_panel.py" line="84" />
        <source>Save</source>
        <translation>Salva</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/customer_panel.py" line="85" />
        <source>Merge…</source>
        <translation>Unisci…</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/customer_panel.py" line="86" />
        <source>Merge another customer into this one</source>
        <translation>Unisci un altro cliente a questo</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/customer_panel.py" line="87" />
        <source>Undo merge</source>
        <translation>Annulla unione</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/customer_panel.py" line="88" />
        <source>Log a call…</source>
        <translation>Registra chiamata…</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/customer_panel.py" line="193" />
        <source>Saved.</source>
        <translation>Salvato.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/customer_panel.py" line="204" />
        <source>Customers merged. Undo merge puts them apart again.</source>
        <translation>Clienti uniti. «Annulla unione» li separa di nuovo.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/customer_panel.py" line="217" />
        <source>Merge undone.</source>
        <translation>Unione annullata.</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../inbox_app/ui/case_list.py" line="197" />
        <source>none</source>
        <translation>nessuno</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="10" />
        <source>Open</source>
        <translation>Aperto</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="11" />
        <source>Pending</source>
        <translation>In sospeso</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="12" />
        <source>Snoozed</source>
        <translation>Rimandato</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="13" />
        <source>Resolved</source>
        <translation>Risolto</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="16" />
        <source>Low</source>
        <translation>Bassa</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="17" />
        <source>Normal</source>
        <translation>Normale</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="18" />
        <source>High</source>
        <translation>Alta</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="19" />
        <source>Urgent</source>
        <translation>Urgente</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="22" />
        <location filename="../../inbox_app/ui/labels.py" line="44" />
        <source>Email</source>
        <translation>Email</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="23" />
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="24" />
        <source>Social</source>
        <translation>Social</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="25" />
        <source>Review</source>
        <translation>Recensione</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="26" />
        <location filename="../../inbox_app/ui/labels.py" line="45" />
        <source>Phone</source>
        <translation>Telefono</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="27" />
        <source>Note</source>
        <translation>Nota</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="30" />
        <source>Queued</source>
        <translation>In coda</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="31" />
        <source>Sending…</source>
        <translation>Invio…</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="32" />
        <source>Sent</source>
        <translation>Inviato</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="33" />
        <source>Failed</source>
        <translation>Non riuscito</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="34" />
        <source>Bounced</source>
        <translation>Respinto</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="37" />
        <source>Answered</source>
        <translation>Risposto</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="38" />
        <source>No answer</source>
        <translation>Nessuna risposta</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="39" />
        <source>Voicemail</source>
        <translation>Segreteria</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="40" />
        <source>Busy</source>
        <translation>Occupato</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="41" />
        <source>Call back</source>
        <translation>Da richiamare</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="46" />
        <source>Matrix</source>
        <translation>Matrix</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="47" />
        <source>Telegram</source>
        <translation>Telegram</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="48" />
        <source>Mastodon</source>
        <translation>Mastodon</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="49" />
        <source>Reviews</source>
        <translation>Recensioni</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="52" />
        <source>up to date</source>
        <translation>aggiornato</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="53" />
        <source>syncing</source>
        <translation>sincronizzazione</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="54" />
        <source>error</source>
        <translation>errore</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="55" />
        <source>sign-in refused</source>
        <translation>accesso rifiutato</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="56" />
        <source>disabled</source>
        <translation>disattivato</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="78" />
        <source>{n} min</source>
        <translation>{n} min</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="80" />
        <source>{n} h</source>
        <translation>{n} h</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/labels.py" line="81" />
        <source>{n} d</source>
        <translation>{n} g</translation>
    </message>
</context>
<context>
    <name>Launch</name>
    <message>
        <location filename="../../inbox_app/ui/launch.py" line="84" />
        <source>Unisono cannot start</source>
        <translation>Unisono non può partire</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/launch.py" line="85" />
        <source>The database cannot be opened:
{reason}</source>
        <translation>Impossibile aprire il database:
{reason}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="58" />
        <source>local agent</source>
        <translation>operatore locale</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="59" />
        <source>{app} — {agent}</source>
        <translation>{app} — {agent}</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="108" />
        <source>No case selected</source>
        <translation>Nessun caso selezionato</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="111" />
        <source>This case only</source>
        <translation>Solo questo caso</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="112" />
        <source>Show only the messages of the selected case</source>
        <translation>Mostra solo i messaggi del caso selezionato</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="142" />
        <source>Actions</source>
        <translation>Azioni</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="149" />
        <source>Search messages and customers  (/ or Ctrl+K)</source>
        <translation>Cerca messaggi e clienti  (/ o Ctrl+K)</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="150" />
        <location filename="../../inbox_app/ui/main_window.py" line="199" />
        <source>Search</source>
        <translation>Cerca</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="166" />
        <location filename="../../inbox_app/ui/main_window.py" line="194" />
        <source>Reply</source>
        <translation>Rispondi</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="166" />
        <source>Reply (r)</source>
        <translation>Rispondi (r)</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="167" />
        <source>Note</source>
        <translation>Nota</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="167" />
        <source>Internal note (n)</source>
        <translation>Nota interna (n)</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="168" />
        <source>Resolve</source>
        <translation>Risolvi</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="168" />
        <source>Resolve (e)</source>
        <translation>Risolvi (e)</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="169" />
        <source>Assign</source>
        <translation>Assegna</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="169" />
        <source>Assign (a)</source>
        <translation>Assegna (a)</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="170" />
        <source>Snooze</source>
        <translation>Rimanda</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="170" />
        <source>Snooze (s)</source>
        <translation>Rimanda (s)</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="172" />
        <location filename="../../inbox_app/ui/main_window.py" line="197" />
        <source>Assign to me</source>
        <translation>Assegna a me</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="173" />
        <source>Mark pending</source>
        <translation>Metti in sospeso</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="174" />
        <source>Reopen</source>
        <translation>Riapri</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="175" />
        <source>Priority…</source>
        <translation>Priorità…</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="176" />
        <source>Tags…</source>
        <translation>Etichette…</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="178" />
        <source>Log a call…</source>
        <translation>Registra chiamata…</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="179" />
        <source>Merge customer…</source>
        <translation>Unisci cliente…</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="181" />
        <source>Settings…</source>
        <translation>Impostazioni…</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="182" />
        <source>Workload…</source>
        <translation>Carico di lavoro…</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="183" />
        <source>Keyboard shortcuts</source>
        <translation>Scorciatoie da tastiera</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="184" />
        <source>More</source>
        <translation>Altro</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="188" />
        <source>Undo</source>
        <translation>Annulla</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="188" />
        <source>Undo the last case action (Ctrl+Z)</source>
        <translation>Annulla l'ultima azione sul caso (Ctrl+Z)</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="194" />
        <source>Next / previous case</source>
        <translation>Caso successivo / precedente</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="195" />
        <source>Internal note</source>
        <translation>Nota interna</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="195" />
        <source>Send the reply or note</source>
        <translation>Invia la risposta o la nota</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="196" />
        <source>Resolve the case</source>
        <translation>Risolvi il caso</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="196" />
        <source>Assign the case</source>
        <translation>Assegna il caso</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="197" />
        <source>Snooze until…</source>
        <translation>Rimanda a…</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="198" />
        <location filename="../../inbox_app/ui/main_window.py" line="365" />
        <source>Priority</source>
        <translation>Priorità</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="198" />
        <location filename="../../inbox_app/ui/main_window.py" line="373" />
        <source>Tags</source>
        <translation>Etichette</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="199" />
        <source>Back to the case list</source>
        <translation>Torna all'elenco dei casi</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="200" />
        <source>Undo the last case action</source>
        <translation>Annulla l'ultima azione sul caso</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="201" />
        <source>Show only this case / whole history</source>
        <translation>Solo questo caso / tutta la storia</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="201" />
        <source>Log a call</source>
        <translation>Registra una chiamata</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="202" />
        <source>Switch view</source>
        <translation>Cambia vista</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="202" />
        <source>This list</source>
        <translation>Questo elenco</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="280" />
        <source>{customer} · #{id} {subject}</source>
        <translation>{customer} · #{id} {subject}</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="281" />
        <source>(no subject)</source>
        <translation>(senza oggetto)</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="365" />
        <source>Priority of the case:</source>
        <translation>Priorità del caso:</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="373" />
        <source>Tags, separated by commas:</source>
        <translation>Etichette, separate da virgole:</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="391" />
        <source>Call logged.</source>
        <translation>Chiamata registrata.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/main_window.py" line="429" />
        <source>New messages</source>
        <translation>Nuovi messaggi</translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <location filename="../../inbox_app/ui/dialogs/merge.py" line="26" />
        <source>Merge customers</source>
        <translation>Unisci clienti</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/merge.py" line="28" />
        <source>Find the customer who is really {name}; their identities, conversations and cases move here. You can undo it.</source>
        <translation>Cerca il cliente che in realtà è {name}: identità, conversazioni e casi passano qui. Si può annullare.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/merge.py" line="32" />
        <source>Name, email, phone…</source>
        <translation>Nome, email, telefono…</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/merge.py" line="33" />
        <source>Search customers</source>
        <translation>Cerca clienti</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/merge.py" line="36" />
        <source>Matching customers</source>
        <translation>Clienti trovati</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/merge.py" line="39" />
        <source>Merge</source>
        <translation>Unisci</translation>
    </message>
</context>
<context>
    <name>MessageCard</name>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="101" />
        <source>Retry</source>
        <translation>Riprova</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="104" />
        <source>Load images</source>
        <translation>Carica immagini</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="150" />
        <source>Delivery state: {state}</source>
        <translation>Stato di consegna: {state}</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="164" />
        <source>Save this attachment…</source>
        <translation>Salva questo allegato…</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="173" />
        <source>Inbound call</source>
        <translation>Chiamata in entrata</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="173" />
        <source>Outbound call</source>
        <translation>Chiamata in uscita</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="174" />
        <source>{kind} · {number} · {minutes} min · {outcome}</source>
        <translation>{kind} · {number} · {minutes} min · {outcome}</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="178" />
        <source>Internal note by {who}</source>
        <translation>Nota interna di {who}</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="178" />
        <location filename="../../inbox_app/ui/timeline_view.py" line="180" />
        <source>an agent</source>
        <translation>un operatore</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="180" />
        <source>→ Reply by {who}</source>
        <translation>→ Risposta di {who}</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="181" />
        <source>← {who}</source>
        <translation>← {who}</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="181" />
        <source>customer</source>
        <translation>cliente</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="195" />
        <source>image not loaded</source>
        <translation>immagine non caricata</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="198" />
        <source>Hide quoted text</source>
        <translation>Nascondi testo citato</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="199" />
        <source>Show quoted text</source>
        <translation>Mostra testo citato</translation>
    </message>
</context>
<context>
    <name>SearchResults</name>
    <message>
        <location filename="../../inbox_app/ui/search.py" line="176" />
        <source>Search results</source>
        <translation>Risultati della ricerca</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="385" />
        <source>Settings</source>
        <translation>Impostazioni</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="389" />
        <source>Channel accounts</source>
        <translation>Account dei canali</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="390" />
        <source>Agents</source>
        <translation>Operatori</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="391" />
        <source>Teams</source>
        <translation>Team</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="392" />
        <source>Templates</source>
        <translation>Modelli</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../../inbox_app/ui/dialogs/shortcuts.py" line="11" />
        <location filename="../../inbox_app/ui/dialogs/shortcuts.py" line="14" />
        <source>Keyboard shortcuts</source>
        <translation>Scorciatoie da tastiera</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/shortcuts.py" line="15" />
        <source>Keys</source>
        <translation>Tasti</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/shortcuts.py" line="15" />
        <source>Action</source>
        <translation>Azione</translation>
    </message>
</context>
<context>
    <name>SnoozeDialog</name>
    <message>
        <location filename="../../inbox_app/ui/dialogs/actions.py" line="27" />
        <location filename="../../inbox_app/ui/dialogs/actions.py" line="32" />
        <source>Snooze until</source>
        <translation>Rimanda a</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/actions.py" line="29" />
        <source>The case comes back as open at:</source>
        <translation>Il caso torna aperto il:</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/actions.py" line="40" />
        <source>In 1 hour</source>
        <translation>Tra 1 ora</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/actions.py" line="41" />
        <source>In 4 hours</source>
        <translation>Tra 4 ore</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/actions.py" line="42" />
        <source>Tomorrow 9:00</source>
        <translation>Domani alle 9:00</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/actions.py" line="43" />
        <source>Next Monday</source>
        <translation>Lunedì prossimo</translation>
    </message>
</context>
<context>
    <name>SyncStatus</name>
    <message>
        <location filename="../../inbox_app/ui/status.py" line="20" />
        <source>Sync status</source>
        <translation>Stato della sincronizzazione</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/status.py" line="28" />
        <source>First sync progress</source>
        <translation>Avanzamento della prima sincronizzazione</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/status.py" line="56" />
        <source>never</source>
        <translation>mai</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/status.py" line="57" />
        <source>{name} ({channel}) — last synced {when}</source>
        <translation>{name} ({channel}) — ultima sincronizzazione {when}</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/status.py" line="60" />
        <source>No channel accounts yet</source>
        <translation>Ancora nessun account dei canali</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/status.py" line="65" />
        <source>{name}: {error}</source>
        <translation>{name}: {error}</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/status.py" line="75" />
        <source>Syncing %v of %m</source>
        <translation>Sincronizzati %v di %m</translation>
    </message>
</context>
<context>
    <name>TeamsTab</name>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="281" />
        <source>Teams</source>
        <translation>Team</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="283" />
        <source>A team is created by giving its name to an agent on the Agents tab.</source>
        <translation>Un team si crea assegnandone il nome a un operatore nella scheda Operatori.</translation>
    </message>
</context>
<context>
    <name>TemplatesTab</name>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="303" />
        <source>Templates</source>
        <translation>Modelli</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="309" />
        <source>Template text</source>
        <translation>Testo del modello</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="314" />
        <source>Variant for the channel</source>
        <translation>Variante per il canale</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="315" />
        <source>Empty: the main text is used on this channel</source>
        <translation>Vuoto: su questo canale si usa il testo principale</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="316" />
        <source>Name</source>
        <translation>Nome</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="317" />
        <source>Shortcut</source>
        <translation>Scorciatoia</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="318" />
        <source>Text</source>
        <translation>Testo</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="319" />
        <source>Variant for</source>
        <translation>Variante per</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="321" />
        <source>Variables: {customer.first_name} {customer.name} {agent.name} {case.id}</source>
        <translation>Variabili: {customer.first_name} {customer.name} {agent.name} {case.id}</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="325" />
        <source>New template</source>
        <translation>Nuovo modello</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="326" />
        <source>Save template</source>
        <translation>Salva modello</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/settings.py" line="378" />
        <source>Template saved.</source>
        <translation>Modello salvato.</translation>
    </message>
</context>
<context>
    <name>TimelineView</name>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="243" />
        <source>Customer timeline</source>
        <translation>Cronologia del cliente</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="252" />
        <source>Load older messages</source>
        <translation>Carica messaggi precedenti</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="255" />
        <source>Pick a case to see the customer's conversations.</source>
        <translation>Scegli un caso per vedere le conversazioni del cliente.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="311" />
        <source>(no subject)</source>
        <translation>(senza oggetto)</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="313" />
        <source>Case #{id} · {title} · {state}</source>
        <translation>Caso #{id} · {title} · {state}</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="321" />
        <source>No messages yet.</source>
        <translation>Ancora nessun messaggio.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/timeline_view.py" line="345" />
        <source>Save attachment</source>
        <translation>Salva allegato</translation>
    </message>
</context>
<context>
    <name>Views</name>
    <message>
        <location filename="../../inbox_app/ui/views.py" line="43" />
        <source>Mine</source>
        <translation>Miei</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/views.py" line="44" />
        <source>Unassigned</source>
        <translation>Non assegnati</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/views.py" line="47" />
        <source>My team</source>
        <translation>Il mio team</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/views.py" line="49" />
        <source>All open</source>
        <translation>Tutti gli aperti</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/views.py" line="50" />
        <source>Pending</source>
        <translation>In sospeso</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/views.py" line="51" />
        <source>Snoozed</source>
        <translation>Rimandati</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/views.py" line="52" />
        <source>Resolved</source>
        <translation>Risolti</translation>
    </message>
</context>
<context>
    <name>ViewsList</name>
    <message>
        <location filename="../../inbox_app/ui/views.py" line="163" />
        <source>Views</source>
        <translation>Viste</translation>
    </message>
</context>
<context>
    <name>ViewsModel</name>
    <message>
        <location filename="../../inbox_app/ui/views.py" line="127" />
        <source>{view}: {n} cases</source>
        <translation>{view}: {n} casi</translation>
    </message>
</context>
<context>
    <name>WorkloadDialog</name>
    <message>
        <location filename="../../inbox_app/ui/dialogs/workload.py" line="35" />
        <source>Workload</source>
        <translation>Carico di lavoro</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/workload.py" line="38" />
        <source>Only team leads and admins reassign cases.</source>
        <translation>Solo i responsabili e gli amministratori riassegnano i casi.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/workload.py" line="40" />
        <source>Cases per agent</source>
        <translation>Casi per operatore</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/workload.py" line="41" />
        <source>Agent</source>
        <translation>Operatore</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/workload.py" line="41" />
        <source>Open</source>
        <translation>Aperti</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/workload.py" line="41" />
        <source>Pending</source>
        <translation>In sospeso</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/workload.py" line="47" />
        <source>Cases of the selected agent:</source>
        <translation>Casi dell'operatore selezionato:</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/workload.py" line="49" />
        <source>Cases of the selected agent</source>
        <translation>Casi dell'operatore selezionato</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/workload.py" line="54" />
        <location filename="../../inbox_app/ui/dialogs/workload.py" line="57" />
        <source>Reassign to</source>
        <translation>Riassegna a</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/workload.py" line="55" />
        <source>Reassign selected</source>
        <translation>Riassegna i selezionati</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/workload.py" line="90" />
        <source>Unassigned</source>
        <translation>Non assegnati</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/workload.py" line="100" />
        <source>Nobody (unassign)</source>
        <translation>Nessuno (togli assegnazione)</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/workload.py" line="124" />
        <source>Select one or more cases first.</source>
        <translation>Seleziona prima uno o più casi.</translation>
    </message>
    <message>
        <location filename="../../inbox_app/ui/dialogs/workload.py" line="134" />
        <source>{n} cases reassigned.</source>
        <translation>{n} casi riassegnati.</translation>
    </message>
</context>
</TS>