/**
 * Rules for text a reader sees (notebooks, write-ups, docs, doc comments): it must be readable
 * without access to anything outside the project, so it cites no outside file and carries no
 * internal process wording. A tolerance a reader needs is stated with its reason instead.
 */
export interface ProjectTextRule {
  readonly name: string;
  readonly pattern: RegExp;
}

export const PROJECT_TEXT_RULES: readonly ProjectTextRule[] = [
  { name: 'outside file', pattern: /\b(?:PAPERS|DESIGN|SOURCES)\.md\b/ },
  // the default data root `../shared/data` is a location, not a citation; a file inside it is
  { name: 'outside file', pattern: /shared\/(?!data\b(?!\/))/ },
  { name: 'outside file', pattern: /\/work\// },
  { name: 'process wording', pattern: /\bissues?\s*(?:#\d+|targets?\b)/i },
  { name: 'process wording', pattern: /\btickets?\b/i },
  { name: 'process wording', pattern: /\b\d+-minute target\b/i },
  { name: 'process wording', pattern: /measured once when the code\s+was written/i },
];

export interface ProjectTextProblem {
  readonly rule: string;
  /** 1-based line number. */
  readonly line: number;
  readonly text: string;
}

/** Every line of `text` that breaks a rule, with the rule's name. */
export function findProjectTextProblems(text: string): ProjectTextProblem[] {
  const out: ProjectTextProblem[] = [];
  text.split('\n').forEach((l, k) => {
    for (const r of PROJECT_TEXT_RULES) {
      const m = r.pattern.exec(l);
      if (m) out.push({ rule: r.name, line: k + 1, text: l.slice(Math.max(0, m.index - 40), m.index + 60).trim() });
    }
  });
  return out;
}
