/**
 * The ideas queue's word list. An idea with a word from WORST is rejected at once (nobody has to
 * read it); one with a BORDERLINE word waits for a person, flagged. Matching is on whole words after
 * the usual folding (case, accents) plus the common character swaps ("sh1t", "f@ck"), so "Scunthorpe"
 * and "class" are never caught. The lists are short on purpose: extend them for your community.
 */
import { normalizeText } from './text';

const WORST = new Set([
  'fuck', 'fucking', 'fucker', 'fuckers', 'motherfucker', 'motherfuckers', 'fck', 'fuk', 'shit', 'shitty', 'bullshit',
  'cunt', 'cunts', 'bitch', 'bitches', 'asshole', 'assholes', 'dickhead', 'wanker', 'twat', 'nazi', 'nazis',
]);

const BORDERLINE = new Set([
  'damn', 'dammit', 'hell', 'crap', 'crappy', 'piss', 'pissed', 'suck', 'sucks', 'idiot', 'idiots', 'stupid', 'moron', 'morons',
  'dumb', 'bastard', 'bastards', 'jerk', 'jerks', 'kill', 'ass',
]);

const SWAPS: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's', '!': 'i' };

/** The words of a text as the list compares them: swapped characters undone, then folded. */
function listWords(text: string): string[] {
  const swapped = text.replace(/[013457@$!]/g, (ch) => SWAPS[ch] ?? ch);
  return [...new Set([...normalizeText(text).split(' '), ...normalizeText(swapped).split(' ')])].filter((w) => w !== '');
}

export type WordVerdict = { verdict: 'clean' } | { verdict: 'reject' | 'flag'; word: string };

export function screenWords(text: string): WordVerdict {
  const words = listWords(text);
  const worst = words.find((w) => WORST.has(w));
  if (worst) return { verdict: 'reject', word: worst };
  const borderline = words.find((w) => BORDERLINE.has(w));
  if (borderline) return { verdict: 'flag', word: borderline };
  return { verdict: 'clean' };
}
