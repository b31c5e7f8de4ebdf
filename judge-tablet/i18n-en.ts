import type { Dict } from './i18n.ts';

/**
 * The tablet's English words (`?lang=en`), a chunk of their own: only a tablet opened in
 * English loads them (i18n.ts `loadLanguage`, before the page is drawn), so the Chinese
 * first load does not carry them. The service worker precaches this chunk too.
 */
export const en: Dict = {
  app: {
    name: 'Jiangxing · Judge',
  },
  login: {
    heading: 'Judge sign-in',
    hint: 'Scan the QR code on your login card with the tablet camera, or type the login code or paste the login link below.',
    placeholder: 'Login code or link',
    submit: 'Sign in',
    empty: 'Enter the login code',
    connecting: 'Connecting to the server and signing in…',
    invalid: 'This login code is unknown or revoked: ask the organisers',
    protocol: 'This page does not match the server version: reload it',
    reload: 'Reload',
  },
  logout: {
    action: 'Sign out',
    confirmUnsent: (n) =>
      `${n} marks have not reached the server yet. They stay on this tablet and are sent when you sign in again with the same code. Sign out?`,
  },
  conn: {
    ready: 'Online',
    connecting: 'Connecting…',
    reconnecting: 'Reconnecting…',
  },
  unsent: 'Unsent',
  sheet: {
    choose: 'Sheet',
    pick: 'Choose the sheet you score',
    none: 'No sheet is assigned to you: ask the organisers',
    staff: 'This is an organiser’s or head judge’s code: use it in the console:',
  },
  keypad: {
    placeholder: 'Type a bib',
    ok: 'OK',
    back: 'Del',
  },
  queue: {
    next: 'Next to score',
    allDone: 'Every contestant on this sheet is scored',
    notFound: (bib) => `No contestant with bib ${bib}`,
    inactive: (bib, name) => `Bib ${bib} ${name} has withdrawn or is disqualified`,
    progress: (done, total) => `Saved ${done} / ${total}`,
    title: 'Contestants (draw order)',
    draw: 'Draw',
    bib: '',
  },
  state: {
    todo: 'To do',
    pending: 'Pending',
    saved: 'Saved ✓',
    locked: 'Locked',
    inactive: 'Withdrawn',
    rejected: 'Returned',
    rescore: 'Rescore',
  },
  form: {
    back: '‹ List',
    score: 'Sheet score',
    scoreHint: 'from your entry',
    missing: (n) => `Still to fill: ${n}`,
    review: 'Review & submit',
    veto: (label) => `Veto: ${label}, sheet scores 0`,
    vetoStation: (label) => `Veto: ${label}, whole station scores 0`,
    savedNote:
      'You already marked this contestant on this sheet: submitting again is a correction (reason required).',
    pendingNote:
      'The server has not confirmed this mark yet: submitting again is a correction (reason required).',
    savedByOther: (who) =>
      `${who} already marked this contestant on this sheet: submitting is a correction (reason required).`,
    rejected: (message) => `The server returned the last submission: ${message}`,
    fixErrors: 'Complete the items marked in red first',
    scoreHintPanel: 'from your judgement and the recorder’s measurements',
  },
  unit: {
    points: (n) => `${n} pts`,
  },
  attempt: {
    label: (n) => `Attempt ${n}`,
  },
  fault: {
    undo: 'Undo last',
    undone: 'undone',
    log: 'Fault log',
    logEmpty: 'Tap a fault each time it happens; taps while timing are time-stamped.',
    logEmptyNoTimer: 'Tap a fault each time it happens.',
    total: (pts) => `−${pts} points`,
    none: 'No deduction',
  },
  veto: {
    no: 'Did not happen',
    yes: 'Happened → 0',
  },
  check: {
    pass: 'Pass',
    fail: 'Fail',
    unanswered: 'Choose pass or fail',
  },
  time: {
    start: 'Start',
    stop: 'Stop',
    reset: 'Reset',
    resume: 'Resume',
    manual: 'Time (seconds, editable)',
    notTimed: 'not timed',
    bad: (max) => `Enter a number of seconds between 0 and ${max}`,
    running: 'timing…',
    typedNote: 'Time typed by hand: Resume continues from it, Reset starts again from 0.',
    uncertainTitle: 'Time uncertain: type it',
    uncertain:
      'The device clock jumped during the run (or the tablet slept): the stopwatch cannot be trusted. Type the time from your backup timing below (seconds).',
    uncertainRunning:
      'The device clock jumped during the run (or the tablet slept): the stopwatch cannot be trusted. Stop it, then type the time from your backup timing (seconds).',
    uncertainError: 'Type the time: the device clock jumped, the stopwatch cannot be trusted',
  },
  draft: {
    restored: (time) => `Restored what you entered, unsent, at ${time}`,
    discard: 'Discard',
    discardConfirm:
      'Discard what you entered for this contestant on this sheet (faults, time, judgements) and start again?',
    chip: 'Draft',
  },
  banner: {
    draftStorage:
      'Local storage is unavailable: what you enter before submitting would be lost on reload',
    open: 'Open',
    storage: 'Local storage is full or unavailable: unsent marks would be lost on reload',
  },
  sessions: {
    other: 'This login is also signed in on another device',
    detail: (n) => `${n} devices use this login now. If one is not yours, tell the organisers.`,
  },
  stale: {
    other: (bib, sheet) =>
      `Bib ${bib} ${sheet} has a newer mark: another device or official changed this line. Check it before correcting.`,
    mine: (bib, sheet) =>
      `Bib ${bib} ${sheet} has a newer mark (sent earlier from this tablet). Check it before correcting.`,
    current: 'Current mark on the server',
    voided: 'That mark was voided: the server holds no mark now',
    reopen: 'Start from the current mark',
    kept: 'Your entry is kept below; submitting corrects the current mark (reason required).',
  },
  judgement: {
    custom: (min, max, step) => `Enter a score (${min}–${max}, step ${step})`,
  },
  imported: {
    hint: (max, step) => `max ${max}, step ${step}`,
  },
  input: {
    required: 'Enter a score',
  },
  review: {
    title: 'Confirm the mark',
    reason: 'Reason for the correction',
    reasonHint: 'You already marked this line: a correction needs a reason',
    reasonPlaceholder: 'e.g. tapped the wrong fault',
    reasonRequired: 'Enter the reason for the correction',
    submit: 'Confirm & submit',
    back: 'Back to edit',
  },
  value: {
    noFaults: 'no faults',
    fault: (label, n, pts) => `${label} ×${n} (−${pts})`,
  },
  status: {
    pending: 'Pending: waiting for the server to save…',
    pendingOffline: 'Pending: offline, sent automatically when the connection returns',
    saved: 'Saved on the server ✓',
    duplicate: '(already saved before: not stored twice)',
    stationScore: (station, score) => `${station} now scores ${score}`,
    next: 'Next to score',
    back: 'Back to the list',
  },
  rescore: {
    banner: (bib, name, sheet, reason) =>
      `The head judge asks for a rescore: bib ${bib} ${name} · ${sheet} — reason: ${reason}`,
    go: 'Score again',
    dismiss: 'Close this reminder',
    note: (reason) => `The head judge asks for a rescore — reason: ${reason}`,
    reasonPrefix: 'Rescore requested by the head judge: ',
  },
  lock: {
    message: 'This station is locked by the head judge: ask the head judge for any correction',
    short: 'Locked',
  },
  closed: {
    final: 'Results are official: no more scoring',
    draft: 'The competition has not started: scoring is not open yet',
  },
  tab: {
    queue: 'Contestants',
    history: 'My marks',
  },
  history: {
    empty: 'You have no saved mark on this sheet yet',
    superseded: 'Corrected',
    current: 'Current',
    correct: 'Correct',
    hint: 'Tap a mark to correct it; a correction needs a reason',
    voided: 'Voided',
    by: (who) => `corrected by ${who}`,
    byOther: 'corrected by another official',
  },
  official: {
    other: 'Another official',
  },
  recorded: {
    title: 'Measurements (entered by the recorder)',
    by: (who) => `recorded by ${who}`,
    none: 'not recorded yet',
    noRecorder: 'no recorder named yet',
    noRecorderNote:
      'Nobody is named to record this station’s measurements: the server returns marks until the organisers name a recorder.',
    judgementOnly: (who) =>
      `Give your judgements only. The measurements (faults, times…) are recorded by ${who} and update here as they are submitted.`,
    recorder:
      'You record this station: you enter the measurements (faults, times…); the other judges give judgements only.',
    tag: 'recorder',
  },
  void: {
    title: (reason) => `The head judge voided your mark: ${reason}`,
    line: (bib, name, sheet) => `bib ${bib} ${name} · ${sheet}`,
    by: (who, time) => `${who} · ${time}`,
    restored: (values, score) => `The previous mark counts again: ${values} (sheet score ${score})`,
    none: 'This line needs to be scored again',
    go: 'Score it',
    dismiss: 'Close this notice',
  },
  offline: {
    ready: 'Offline ready',
    readyTitle:
      'This page is stored on the tablet: it reloads without a network, and marks are sent when the network is back',
    installing: 'Storing for offline…',
    unavailable: 'No offline reload',
    unavailableTitle:
      'This page is not stored for offline use (install the venue certificate and open it over HTTPS first): do not reload it while the network is down; marks already entered stay on this tablet',
    failed: 'Offline storage failed',
  },
  https: {
    offer:
      'This device trusts the venue certificate: switch to HTTPS to reload without a network and to sign in with the camera.',
    go: 'Switch to HTTPS',
    wait: "This device trusts the venue certificate. Let the unsent marks and open drafts finish first, then switch to HTTPS (this page's data does not move with it).",
    later: 'Later',
  },
  scan: {
    open: 'Sign in with the camera',
    title: 'Point the camera at the QR code on your login card',
    cancel: 'Cancel, type the code',
    starting: 'Opening the camera…',
    loading: 'Loading the QR reader…',
    denied:
      'The camera cannot be used (not allowed, or in use by another app). Type the login code instead.',
    notLogin: "This is not a login card's QR code: scan your login card",
  },
};
