import { createHash } from 'node:crypto';
import type { ApiUser } from '../../source/schema';

/**
 * Deterministic random users in the exact shape of randomuser.me, for machines without internet.
 * Pure: the same (seed, page, nat, index) always gives the same user, byte for byte, so a seed
 * replays a whole run. The quirks the real API has (numeric and string postcodes, coordinates as
 * strings, null id values, names with apostrophes and accents) are reproduced on purpose.
 */

export const NATIONALITIES = ['AU', 'BR', 'CA', 'DE', 'DK', 'FR', 'GB', 'IN', 'NL', 'UA', 'US'] as const;
export type Nationality = (typeof NATIONALITIES)[number];

export function isNationality(code: string): code is Nationality {
  return (NATIONALITIES as readonly string[]).includes(code);
}

export interface GenerateUsersInput {
  seed: string;
  page: number;
  results: number;
  /** Only these nationalities; all of them when absent or empty. */
  nat?: readonly Nationality[];
}

export function generateUsers(input: GenerateUsersInput): ApiUser[] {
  if (!Number.isInteger(input.results) || input.results < 0) {
    throw new RangeError(`results=${input.results} is not a count of users (expected an integer from 0)`);
  }
  if (!Number.isInteger(input.page) || input.page < 1) {
    throw new RangeError(`page=${input.page} is not a page number (expected an integer from 1)`);
  }
  const allowed = input.nat === undefined || input.nat.length === 0 ? [...NATIONALITIES] : [...new Set(input.nat)].sort();
  const users: ApiUser[] = [];
  for (let index = 0; index < input.results; index++) {
    // The nat list is part of the key so that a filtered request is its own reproducible stream.
    const dice = new Dice(`${input.seed}\u0000${input.page}\u0000${allowed.join(',')}\u0000${index}`);
    users.push(generateUser(dice, dice.pick(allowed)));
  }
  return users;
}

// Ages are computed at a fixed date rather than "now", or the same seed would drift year by year.
const REFERENCE_TIME = Date.UTC(2025, 0, 1);
const YEAR_MS = 365.2425 * 24 * 3600 * 1000;

function generateUser(dice: Dice, nat: Nationality): ApiUser {
  const profile = PROFILES[nat];
  const gender = dice.chance(0.5) ? 'male' : 'female';
  const first = dice.pick(gender === 'male' ? profile.maleFirst : profile.femaleFirst);
  const last = dice.pick(profile.last);
  const title = dice.pick(gender === 'male' ? profile.maleTitles : profile.femaleTitles);
  const place = dice.pick(profile.places);
  const timezone = dice.pick(TIMEZONES);

  const password = dice.pick(PASSWORDS);
  const salt = dice.text(8, ALPHANUMERIC);
  const uuid = uuidV4(dice);
  const username = `${dice.pick(USERNAME_WORDS)}${dice.pick(USERNAME_ANIMALS)}${dice.int(100, 999)}`;

  const born = REFERENCE_TIME - dice.int(Math.round(18 * YEAR_MS), Math.round(80 * YEAR_MS));
  const earliestRegistration = Math.max(born + Math.round(16 * YEAR_MS), REFERENCE_TIME - Math.round(20 * YEAR_MS));
  const registeredAt = dice.int(earliestRegistration, REFERENCE_TIME - 24 * 3600 * 1000);
  const portrait = dice.int(0, 99);
  const folder = gender === 'male' ? 'men' : 'women';

  return {
    gender,
    name: { title, first, last },
    location: {
      street: { number: dice.int(1, 9999), name: dice.pick(profile.streets) },
      city: place.city,
      state: place.state,
      country: profile.country,
      postcode: profile.postcode(dice),
      coordinates: { latitude: dice.decimal(-90, 90, 4), longitude: dice.decimal(-180, 180, 4) },
      timezone: { offset: timezone.offset, description: timezone.description },
    },
    email: `${emailPart(first)}.${emailPart(last)}@example.com`,
    login: {
      uuid,
      username,
      password,
      salt,
      md5: digest('md5', password + salt),
      sha1: digest('sha1', password + salt),
      sha256: digest('sha256', password + salt),
    },
    dob: { date: new Date(born).toISOString(), age: wholeYears(born, REFERENCE_TIME) },
    registered: { date: new Date(registeredAt).toISOString(), age: wholeYears(registeredAt, REFERENCE_TIME) },
    phone: dice.pattern(profile.phone),
    cell: dice.pattern(profile.cell),
    id: profile.id(dice),
    picture: {
      large: `https://randomuser.me/api/portraits/${folder}/${portrait}.jpg`,
      medium: `https://randomuser.me/api/portraits/med/${folder}/${portrait}.jpg`,
      thumbnail: `https://randomuser.me/api/portraits/thumb/${folder}/${portrait}.jpg`,
    },
    nat,
  };
}

/** Like the real API, accents stay in the address; spaces and apostrophes cannot. */
function emailPart(name: string): string {
  return name.toLowerCase().replace(/[\s'’]/g, '');
}

function digest(algorithm: 'md5' | 'sha1' | 'sha256', text: string): string {
  return createHash(algorithm).update(text).digest('hex');
}

function wholeYears(from: number, to: number): number {
  const a = new Date(from);
  const b = new Date(to);
  const beforeBirthday =
    b.getUTCMonth() < a.getUTCMonth() || (b.getUTCMonth() === a.getUTCMonth() && b.getUTCDate() < a.getUTCDate());
  return b.getUTCFullYear() - a.getUTCFullYear() - (beforeBirthday ? 1 : 0);
}

/** RFC 4122 version 4 layout (version nibble 4, variant 10xx), with the random bits drawn from the seed. */
function uuidV4(dice: Dice): string {
  const bytes = Array.from({ length: 16 }, () => dice.int(0, 255));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A seeded random stream: a 128-bit hash of the key feeds an sfc32 generator.
 * 128 bits of state (not 32) keep uuids from colliding across millions of generated users.
 */
class Dice {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(key: string) {
    [this.a, this.b, this.c, this.d] = hash128(key);
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** sfc32 (Chris Doty-Humphrey's small fast counting generator). */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 53 bits, so int() stays unbiased for ranges as wide as millisecond timestamps. */
  next(): number {
    return ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) / 9007199254740992;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  decimal(min: number, max: number, places: number): string {
    const scale = 10 ** places;
    return (this.int(min * scale, max * scale) / scale).toFixed(places);
  }

  text(length: number, alphabet: string): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(0, alphabet.length - 1)];
    return out;
  }

  /** `#` becomes a digit and `L` an uppercase letter; anything else is kept. */
  pattern(template: string): string {
    return template.replace(/[#L]/g, (slot) => (slot === '#' ? String(this.int(0, 9)) : this.text(1, UPPERCASE)));
  }
}

function hash128(key: string): [number, number, number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x9e3779b9;
  let h3 = 0x85ebca6b;
  let h4 = 0xc2b2ae35;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 0x01000193);
    h2 = Math.imul(h2 ^ code, 0x5bd1e995);
    h3 = Math.imul(h3 ^ code, 0x27d4eb2f);
    h4 = Math.imul(h4 ^ code, 0x165667b1);
  }
  return [finalMix(h1 ^ h4), finalMix(h2 ^ h1), finalMix(h3 ^ h2), finalMix(h4 ^ h3)];
}

function finalMix(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const UPPERCASE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

type IdDocument = { name: string; value: string | null };

interface NationalityProfile {
  country: string;
  places: readonly { city: string; state: string }[];
  streets: readonly string[];
  maleFirst: readonly string[];
  femaleFirst: readonly string[];
  last: readonly string[];
  maleTitles: readonly string[];
  femaleTitles: readonly string[];
  postcode: (dice: Dice) => number | string;
  id: (dice: Dice) => IdDocument;
  phone: string;
  cell: string;
}

const ENGLISH_MALE_TITLES = ['Mr'];
const ENGLISH_FEMALE_TITLES = ['Mrs', 'Ms', 'Miss'];

// Letters that appear in real UK / Canadian postcodes.
const GB_INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';
const CA_FIRST_LETTERS = 'ABCEGHJKLMNPRSTVXY';
const CA_LETTERS = 'ABCEGHJKLMNPRSTVWXYZ';

const PROFILES: Record<Nationality, NationalityProfile> = {
  US: {
    country: 'United States',
    places: [
      { city: 'Springfield', state: 'Illinois' },
      { city: 'Coral Springs', state: 'Florida' },
      { city: 'Salt Lake City', state: 'Utah' },
      { city: 'Fort Worth', state: 'Texas' },
      { city: 'Coeur d’Alene', state: 'Idaho' },
    ],
    streets: ['Main St', 'Lakeview Dr', 'W Belt Line Rd', 'Cherry St', 'Pecan Acres Ln'],
    maleFirst: ['James', 'Michael', 'Dwayne', 'Jesús', 'Tyler'],
    femaleFirst: ['Emily', 'Madison', 'Mary-Kate', 'Zoë', 'Brittany'],
    last: ["O'Brien", 'Smith', 'Johnson', 'García', 'McAllister'],
    maleTitles: ENGLISH_MALE_TITLES,
    femaleTitles: ENGLISH_FEMALE_TITLES,
    postcode: (dice) => dice.int(10000, 99999),
    id: (dice) => ({ name: 'SSN', value: dice.pattern('###-##-####') }),
    phone: '(###) ###-####',
    cell: '(###) ###-####',
  },
  GB: {
    country: 'United Kingdom',
    places: [
      { city: 'London', state: 'Greater London' },
      { city: 'Wakefield', state: 'West Yorkshire' },
      { city: 'Stoke-on-Trent', state: 'Staffordshire' },
      { city: 'Bangor', state: 'Gwynedd' },
      { city: 'Aberdeen', state: 'Aberdeenshire' },
    ],
    streets: ['High Street', 'Church Lane', "Queen's Road", 'Mill Lane'],
    maleFirst: ['Oliver', 'Harry', 'Ciarán', 'Alfie'],
    femaleFirst: ['Amelia', 'Siobhán', 'Isla', 'Ann-Marie'],
    last: ["O'Connor", 'Taylor', 'Smythe-Jones', 'Davies', 'ffrench'],
    maleTitles: ENGLISH_MALE_TITLES,
    femaleTitles: ENGLISH_FEMALE_TITLES,
    postcode: (dice) =>
      `${dice.pick(['EC', 'SW', 'W', 'M', 'B', 'LS', 'N', 'CR'])}${dice.int(1, 20)} ` +
      `${dice.int(0, 9)}${dice.text(2, GB_INWARD_LETTERS)}`,
    id: (dice) => ({ name: 'NINO', value: dice.pattern('LL ## ## ## L') }),
    phone: '0##### ######',
    cell: '07### ######',
  },
  CA: {
    country: 'Canada',
    places: [
      { city: 'Trois-Rivières', state: 'Québec' },
      { city: 'Yellowknife', state: 'Northwest Territories' },
      { city: 'Victoria', state: 'British Columbia' },
      { city: "St. John's", state: 'Newfoundland and Labrador' },
      { city: 'Lévis', state: 'Québec' },
    ],
    streets: ['Rue Saint-Denis', 'Dufferin St', 'Lakeshore Rd', 'King George Hwy'],
    maleFirst: ['Liam', 'Étienne', 'Noah', 'Jean-François'],
    femaleFirst: ['Olivia', 'Chloé', 'Maëlle', 'Charlotte'],
    last: ['Tremblay', 'Côté', 'Gagnon', 'MacDonald', "O'Neil"],
    maleTitles: ENGLISH_MALE_TITLES,
    femaleTitles: ENGLISH_FEMALE_TITLES,
    postcode: (dice) =>
      `${dice.text(1, CA_FIRST_LETTERS)}${dice.int(0, 9)}${dice.text(1, CA_LETTERS)} ` +
      `${dice.int(0, 9)}${dice.text(1, CA_LETTERS)}${dice.int(0, 9)}`,
    id: (dice) => ({ name: 'SIN', value: dice.pattern('#########') }),
    phone: '###-###-####',
    cell: '###-###-####',
  },
  NL: {
    country: 'Netherlands',
    places: [
      { city: "'s-Hertogenbosch", state: 'Noord-Brabant' },
      { city: 'Zwolle', state: 'Overijssel' },
      { city: 'Den Haag', state: 'Zuid-Holland' },
      { city: 'Leeuwarden', state: 'Friesland' },
    ],
    streets: ['Kerkstraat', 'Oudegracht', 'Burgemeester van Walsumweg', 'Dorpsstraat'],
    maleFirst: ['Daan', 'Sem', 'Joël', 'Bram'],
    femaleFirst: ['Emma', 'Anouk', 'Noor', 'Fenna'],
    last: ['de Jong', 'van der Berg', 'Jansen', "van 't Hof", 'Visser'],
    maleTitles: ENGLISH_MALE_TITLES,
    femaleTitles: ENGLISH_FEMALE_TITLES,
    postcode: (dice) => `${dice.int(1000, 9999)} ${dice.text(2, UPPERCASE)}`,
    id: (dice) => ({ name: 'BSN', value: dice.chance(0.3) ? null : dice.pattern('########') }),
    phone: '(0###) ######',
    cell: '(06) ########',
  },
  DE: {
    country: 'Germany',
    places: [
      { city: 'München', state: 'Bayern' },
      { city: 'Köln', state: 'Nordrhein-Westfalen' },
      { city: 'Görlitz', state: 'Sachsen' },
      { city: 'Bad Homburg vor der Höhe', state: 'Hessen' },
    ],
    streets: ['Schillerstraße', 'Am Bahnhof', 'Lindenweg', 'Mühlenstraße'],
    maleFirst: ['Lukas', 'Jürgen', 'Karl-Heinz', 'Maximilian'],
    femaleFirst: ['Sophie', 'Käthe', 'Anna-Lena', 'Lea'],
    last: ['Müller', 'Schäfer', 'Weiß', 'Groß', 'Meyer'],
    maleTitles: ENGLISH_MALE_TITLES,
    femaleTitles: ENGLISH_FEMALE_TITLES,
    postcode: (dice) => dice.int(10000, 99999),
    id: (dice) => ({ name: 'SVNR', value: dice.pattern('## ###### L ###') }),
    phone: '0###-#######',
    cell: '01##-#######',
  },
  FR: {
    country: 'France',
    places: [
      { city: 'Saint-Étienne', state: 'Loire' },
      { city: 'Aix-en-Provence', state: 'Bouches-du-Rhône' },
      { city: 'Nîmes', state: 'Gard' },
      { city: 'Besançon', state: 'Doubs' },
    ],
    streets: ['Rue de la Mairie', "Rue de l'Abbé-Grégoire", 'Avenue Jean-Jaurès', 'Place du Château'],
    maleFirst: ['Jean-Luc', 'Théo', 'Loïc', 'Hugo'],
    femaleFirst: ['Zoé', 'Hélène', 'Anaïs', 'Marie-Claire'],
    last: ['Lefèvre', 'Dupont', 'Mercier', "N'Diaye", 'Bénard'],
    maleTitles: ['Monsieur', 'Mr'],
    femaleTitles: ['Madame', 'Mrs', 'Miss'],
    postcode: (dice) => dice.int(10000, 95999),
    id: (dice) => ({ name: 'INSEE', value: dice.pattern('1############ ##') }),
    phone: '0#-##-##-##-##',
    cell: '06-##-##-##-##',
  },
  AU: {
    country: 'Australia',
    places: [
      { city: 'Wagga Wagga', state: 'New South Wales' },
      { city: 'Ballarat', state: 'Victoria' },
      { city: 'Townsville', state: 'Queensland' },
      { city: 'Hobart', state: 'Tasmania' },
    ],
    streets: ['George St', 'Kings Road', 'Wattle Ave', 'The Esplanade'],
    maleFirst: ['Jack', 'Lachlan', 'Cooper'],
    femaleFirst: ['Charlotte', 'Matilda', 'Sienna'],
    last: ['Nguyen', "O'Sullivan", 'Wilson', 'Kelly'],
    maleTitles: ENGLISH_MALE_TITLES,
    femaleTitles: ENGLISH_FEMALE_TITLES,
    postcode: (dice) => dice.int(1000, 9999),
    id: (dice) => ({ name: 'TFN', value: dice.pattern('#########') }),
    phone: '0#-####-####',
    cell: '04##-###-###',
  },
  BR: {
    country: 'Brazil',
    places: [
      { city: 'São Paulo', state: 'São Paulo' },
      { city: 'Maceió', state: 'Alagoas' },
      { city: 'Goiânia', state: 'Goiás' },
      { city: 'Belém', state: 'Pará' },
    ],
    streets: ['Rua Dois', 'Rua São Jorge', 'Avenida Brasil', 'Rua Treze de Maio'],
    maleFirst: ['João', 'Luís', 'Thiago', 'Cauê'],
    femaleFirst: ['Ana', 'Letícia', 'Conceição', 'Maria Eduarda'],
    last: ['da Silva', 'Gonçalves', 'Araújo', 'Nogueira'],
    maleTitles: ENGLISH_MALE_TITLES,
    femaleTitles: ENGLISH_FEMALE_TITLES,
    postcode: (dice) => dice.int(10000, 99999),
    id: (dice) => ({ name: 'CPF', value: dice.pattern('###.###.###-##') }),
    phone: '(##) ####-####',
    cell: '(##) 9####-####',
  },
  IN: {
    country: 'India',
    places: [
      { city: 'Thiruvananthapuram', state: 'Kerala' },
      { city: 'Pune', state: 'Maharashtra' },
      { city: 'Vijayawada', state: 'Andhra Pradesh' },
      { city: 'Guwahati', state: 'Assam' },
    ],
    streets: ['MG Road', 'Station Road', 'Nehru Nagar', 'Gandhi Marg'],
    maleFirst: ['Aarav', 'Vihaan', 'Arjun', 'Ishaan'],
    femaleFirst: ['Aadhya', 'Saanvi', 'Diya', 'Ananya'],
    last: ['Sharma', 'Patel', 'Reddy', 'Nair', 'Iyer'],
    maleTitles: ENGLISH_MALE_TITLES,
    femaleTitles: ENGLISH_FEMALE_TITLES,
    postcode: (dice) => dice.int(100000, 999999),
    id: (dice) => ({ name: 'UIDAI', value: dice.chance(0.4) ? null : dice.pattern('############') }),
    phone: '#########',
    cell: '9#########',
  },
  UA: {
    country: 'Ukraine',
    places: [
      { city: "Kam'yanets-Podil's'kiy", state: "Khmel'nic'ka" },
      { city: 'Lviv', state: 'Lvivska' },
      { city: 'Bila Tserkva', state: 'Kiivska' },
      { city: 'Кременчук', state: 'Полтавська' },
    ],
    streets: ['Provulok Pushkina', 'Vulicya Shevchenka', 'вулиця Хрещатик', 'Naberezhna'],
    maleFirst: ['Bohdan', 'Yaroslav', 'Oleksiy', 'Мирослав'],
    femaleFirst: ['Antonida', 'Olena', 'Kateryna', 'Зоряна'],
    last: ['Kamińska', 'Shevchenko', 'Bondarenko', 'Кравчук', "Mel'nyk"],
    maleTitles: ENGLISH_MALE_TITLES,
    femaleTitles: ENGLISH_FEMALE_TITLES,
    postcode: (dice) => dice.int(10000, 99999),
    // The real API has no national id for Ukraine: an empty name and a null value.
    id: () => ({ name: '', value: null }),
    phone: '(0##) ###-####',
    cell: '(09#) ###-####',
  },
  DK: {
    country: 'Denmark',
    places: [
      { city: 'København Ø', state: 'Hovedstaden' },
      { city: 'Aarhus C', state: 'Midtjylland' },
      { city: 'Sønderborg', state: 'Syddanmark' },
      { city: 'Roskilde', state: 'Sjælland' },
    ],
    streets: ['Østergade', 'Kirkevej', 'Gl. Strandvej', 'Skovvej'],
    maleFirst: ['Søren', 'Mads', 'Asger'],
    femaleFirst: ['Ida', 'Freja', 'Åse'],
    last: ['Ørsted', 'Jørgensen', 'Nielsen', 'Kristensen'],
    maleTitles: ENGLISH_MALE_TITLES,
    femaleTitles: ENGLISH_FEMALE_TITLES,
    postcode: (dice) => dice.int(1000, 9999),
    id: (dice) => ({ name: 'CPR', value: dice.pattern('######-####') }),
    phone: '########',
    cell: '########',
  },
};

const TIMEZONES: readonly { offset: string; description: string }[] = [
  { offset: '-10:00', description: 'Hawaii' },
  { offset: '-8:00', description: 'Pacific Time (US & Canada)' },
  { offset: '-5:00', description: 'Eastern Time (US & Canada), Bogota, Lima' },
  { offset: '-3:00', description: 'Brazil, Buenos Aires, Georgetown' },
  { offset: '0:00', description: 'Western Europe Time, London, Lisbon, Casablanca' },
  { offset: '+1:00', description: 'Brussels, Copenhagen, Madrid, Paris' },
  { offset: '+2:00', description: 'Kaliningrad, South Africa' },
  { offset: '+5:30', description: 'Bombay, Calcutta, Madras, New Delhi' },
  { offset: '+9:30', description: 'Adelaide, Darwin' },
  { offset: '+10:00', description: 'Eastern Australia, Guam, Vladivostok' },
];

const PASSWORDS = ['sunshine', 'dragon', 'qwerty12', 'letmein', 'blink182', 'hunter2', 'pepper', '1q2w3e4r', 'mustang'];
const USERNAME_WORDS = ['happy', 'silver', 'lazy', 'brave', 'tiny', 'purple', 'crazy', 'heavy', 'golden', 'quiet'];
const USERNAME_ANIMALS = ['cat', 'koala', 'wolf', 'swan', 'lion', 'bear', 'tiger', 'goose', 'rabbit', 'fish'];
