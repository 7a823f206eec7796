// Texts that a byte vocabulary must round-trip exactly: several scripts, combining marks,
// emoji sequences, and whitespace that tokenizers like to rewrite.
export const MULTILINGUAL_SAMPLES: Record<string, string> = {
  en: 'All human beings are born free and equal in dignity and rights. Isn\'t it ? Yes !',
  zh: '人人生而自由，在尊严和权利上一律平等。',
  ja: 'すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。ｶﾀｶﾅ',
  vi: 'Tất cả mọi người sinh ra đều được tự do và bình đẳng về nhân phẩm và quyền lợi.',
  fr: 'Tous les êtres humains naissent libres et égaux en dignité et en droits. Ça, où, çà — « déjà » !',
  decomposed: 'e\u0301te\u0301 (NFD) vs été (NFC)',
  emoji: '🎉 👩‍👩‍👧‍👦 🇫🇷 ✊🏽 a🙂b',
  whitespace: '  leading and trailing  \n\nline\ttab\r\nwindows   three spaces \n',
  specials: '<s> </s> <unk> <0x41> ▁',
};
