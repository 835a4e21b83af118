function (newDoc, oldDoc, userCtx, secObj) {
  // TallyScan's rules for the shared database (installed by couch/setup).
  var roles = userCtx.roles || [];
  var coordinator = roles.indexOf('_admin') !== -1 || roles.indexOf('coordinator') !== -1;
  if (coordinator) {
    return;
  }
  if (roles.indexOf('volunteer') === -1) {
    throw({forbidden: 'only volunteers and coordinators write here'});
  }
  if (newDoc._deleted) {
    throw({forbidden: 'only a coordinator may delete a form'});
  }
  if (newDoc.type !== 'tallyscan.ballot' || newDoc.schema !== 1) {
    throw({forbidden: 'volunteers write only TallyScan ballot documents of schema 1'});
  }
  if (newDoc.by !== userCtx.name) {
    throw({forbidden: 'a volunteer writes only documents by their own name (' + userCtx.name + ')'});
  }
  // A first reading (revision 1-…) may stand beside another volunteer's
  // reading of the same image: a conflict, kept and shown. A later
  // revision (a correction) must extend the document as it stands, and
  // that revision must be the volunteer's own; anything else is a
  // coordinator's to do. (Some servers give oldDoc as the parent, others
  // as the current winner: checking the parent against it holds for both.)
  var first = String(newDoc._rev || '').indexOf('1-') === 0;
  var revs = newDoc._revisions;
  var parent = revs && revs.ids && revs.ids.length > 1 ? (revs.start - 1) + '-' + revs.ids[1] : null;
  if (oldDoc && !first && (oldDoc.by !== userCtx.name || parent !== oldDoc._rev)) {
    throw({forbidden: 'this reading is ' + oldDoc.by + '\'s or in conflict: only a coordinator may change it'});
  }
}
