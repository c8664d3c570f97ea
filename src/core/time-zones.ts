/**
 * Where a US recipient probably is, compactly: ZIP3 prefix → state and IANA time zone, and
 * NANP area code → time zone. Split states are split at ZIP3 granularity (Florida's panhandle,
 * western Kentucky, middle/west Tennessee, NW/SW Indiana, west Texas, the Dakotas' and Nebraska's
 * mountain counties, north Idaho, eastern Oregon). Good enough for quiet hours, which is all it is
 * for; equal-offset zones are folded (Detroit, Indianapolis → New_York; Boise → Denver) so the
 * dispatcher has few zones to evaluate.
 */
const E = 'America/New_York';
const C = 'America/Chicago';
const M = 'America/Denver';
const AZ = 'America/Phoenix';
const P = 'America/Los_Angeles';
const AK = 'America/Anchorage';
const HI = 'Pacific/Honolulu';
const PR = 'America/Puerto_Rico';
const GU = 'Pacific/Guam';

/** [first ZIP3, last ZIP3, state, zone]; military (AA/AE/AP) has no zone. */
const ZIP3_RANGES: [number, number, string, string | null][] = [
  [5, 5, 'NY', E], [6, 7, 'PR', PR], [8, 8, 'VI', PR], [9, 9, 'PR', PR],
  [10, 27, 'MA', E], [28, 29, 'RI', E], [30, 38, 'NH', E], [39, 49, 'ME', E], [50, 54, 'VT', E], [55, 55, 'MA', E],
  [56, 59, 'VT', E], [60, 69, 'CT', E], [70, 89, 'NJ', E], [90, 99, 'AE', null],
  [100, 149, 'NY', E], [150, 196, 'PA', E], [197, 199, 'DE', E], [200, 200, 'DC', E], [201, 201, 'VA', E],
  [202, 205, 'DC', E], [206, 219, 'MD', E], [220, 246, 'VA', E], [247, 268, 'WV', E], [270, 289, 'NC', E],
  [290, 299, 'SC', E], [300, 319, 'GA', E], [320, 323, 'FL', E], [324, 325, 'FL', C], [326, 339, 'FL', E],
  [340, 340, 'AA', null], [341, 349, 'FL', E],
  [350, 369, 'AL', C], [370, 372, 'TN', C], [373, 374, 'TN', E], [375, 375, 'TN', C], [376, 379, 'TN', E],
  [380, 385, 'TN', C], [386, 397, 'MS', C], [398, 399, 'GA', E],
  [400, 419, 'KY', E], [420, 424, 'KY', C], [425, 427, 'KY', E],
  [430, 459, 'OH', E], [460, 462, 'IN', E], [463, 464, 'IN', C], [465, 475, 'IN', E], [476, 477, 'IN', C],
  [478, 479, 'IN', E], [480, 499, 'MI', E], [500, 528, 'IA', C], [530, 549, 'WI', C], [550, 567, 'MN', C],
  [569, 569, 'DC', E], [570, 576, 'SD', C], [577, 577, 'SD', M], [580, 585, 'ND', C], [586, 586, 'ND', M],
  [587, 588, 'ND', C], [590, 599, 'MT', M],
  [600, 629, 'IL', C], [630, 658, 'MO', C], [660, 679, 'KS', C], [680, 692, 'NE', C], [693, 693, 'NE', M],
  [700, 714, 'LA', C], [716, 729, 'AR', C], [730, 732, 'OK', C], [733, 733, 'TX', C], [734, 749, 'OK', C],
  [750, 797, 'TX', C], [798, 799, 'TX', M],
  [800, 816, 'CO', M], [820, 831, 'WY', M], [832, 834, 'ID', M], [835, 835, 'ID', P], [836, 837, 'ID', M],
  [838, 838, 'ID', P], [840, 847, 'UT', M], [850, 865, 'AZ', AZ], [870, 884, 'NM', M], [885, 885, 'TX', M],
  [889, 898, 'NV', P], [900, 961, 'CA', P], [962, 966, 'AP', null], [967, 968, 'HI', HI], [969, 969, 'GU', GU],
  [970, 978, 'OR', P], [979, 979, 'OR', M], [980, 994, 'WA', P], [995, 999, 'AK', AK],
];

/** Area codes by state or territory (NANP, 2025), with the state's zone unless overridden below. */
const AREA_CODES: Record<string, [string, string]> = {
  AL: [C, '205 251 256 334 659 938'],
  AK: [AK, '907'],
  AZ: [AZ, '480 520 602 623 928'],
  AR: [C, '327 479 501 870'],
  CA: [P, '209 213 279 310 323 341 350 369 408 415 424 442 510 530 559 562 619 626 628 650 657 661 669 707 714 747 760 805 818 820 831 837 840 858 909 916 925 949 951'],
  CO: [M, '303 719 720 970 983'],
  CT: [E, '203 475 860 959'],
  DE: [E, '302'],
  DC: [E, '202 771'],
  FL: [E, '239 305 321 324 352 386 407 448 561 645 656 689 727 728 754 772 786 813 850 863 904 941 954'],
  GA: [E, '229 404 470 478 678 706 762 770 912 943'],
  HI: [HI, '808'],
  ID: [M, '208 986'],
  IL: [C, '217 224 309 312 331 447 464 618 630 708 730 773 779 815 847 861 872'],
  IN: [E, '219 260 317 463 574 765 812 930'],
  IA: [C, '319 515 563 641 712'],
  KS: [C, '316 620 785 913'],
  KY: [E, '270 364 502 606 859'],
  LA: [C, '225 318 337 504 985'],
  ME: [E, '207'],
  MD: [E, '227 240 301 410 443 667'],
  MA: [E, '339 351 413 508 617 774 781 857 978'],
  MI: [E, '231 248 269 313 517 586 616 679 734 810 906 947 989'],
  MN: [C, '218 320 507 612 651 763 952'],
  MS: [C, '228 601 662 769'],
  MO: [C, '314 417 557 573 636 660 816 975'],
  MT: [M, '406'],
  NE: [C, '308 402 531'],
  NV: [P, '702 725 775'],
  NH: [E, '603'],
  NJ: [E, '201 551 609 640 732 848 856 862 908 973'],
  NM: [M, '505 575'],
  NY: [E, '212 315 329 332 347 363 516 518 585 607 624 631 646 680 716 718 838 845 914 917 929 934'],
  NC: [E, '252 336 472 704 743 828 910 919 980 984'],
  ND: [C, '701'],
  OH: [E, '216 220 234 283 326 330 380 419 436 440 513 567 614 740 937'],
  OK: [C, '405 539 572 580 918'],
  OR: [P, '458 503 541 971'],
  PA: [E, '215 223 267 272 412 445 484 570 582 610 717 724 814 835 878'],
  RI: [E, '401'],
  SC: [E, '803 821 839 843 854 864'],
  SD: [C, '605'],
  TN: [C, '423 615 629 731 865 901 931'],
  TX: [C, '210 214 254 281 325 346 361 409 430 432 469 512 682 713 726 737 806 817 830 832 903 915 936 940 945 956 972 979'],
  UT: [M, '385 435 801'],
  VT: [E, '802'],
  VA: [E, '276 434 540 571 686 703 757 804 826 948'],
  WA: [P, '206 253 360 425 509 564'],
  WV: [E, '304 681'],
  WI: [C, '262 274 414 534 608 715 920'],
  WY: [M, '307'],
  PR: [PR, '787 939'],
  VI: [PR, '340'],
  GU: [GU, '671'],
  MP: ['Pacific/Saipan', '670'],
  AS: ['Pacific/Pago_Pago', '684'],
  // Canada
  MB: [C, '204 431 584'],
  ON: [E, '226 249 289 343 365 382 416 437 519 548 613 647 683 705 742 753 905'],
  ONW: [C, '807'],
  QC: [E, '263 354 367 418 438 450 468 514 579 581 819 873'],
  BC: [P, '236 250 257 604 672 778'],
  AB: [M, '368 403 587 780 825'],
  SK: ['America/Regina', '306 474 639'],
  NB: ['America/Halifax', '428 506'],
  NS: ['America/Halifax', '782 902'],
  NL: ['America/St_Johns', '709 879'],
};

/** Area codes whose people mostly live in another zone than the rest of their state. */
const AREA_CODE_OVERRIDES: Record<string, string> = {
  '219': C, // NW Indiana (Gary)
  '270': C, '364': C, // western Kentucky
  '423': E, '865': E, // east Tennessee
  '915': M, // El Paso
};

const zip3Zone: (string | null)[] = new Array<string | null>(1000).fill(null);
const zip3State: (string | null)[] = new Array<string | null>(1000).fill(null);
for (const [from, to, state, zone] of ZIP3_RANGES) {
  for (let z = from; z <= to; z++) {
    zip3Zone[z] = zone;
    zip3State[z] = state;
  }
}

const areaZone = new Map<string, string>();
for (const [zone, codes] of Object.values(AREA_CODES)) {
  for (const code of codes.split(' ')) areaZone.set(code, AREA_CODE_OVERRIDES[code] ?? zone);
}

/** Every zone this table can produce (the dispatcher evaluates each once per pass). */
export const KNOWN_ZONES: readonly string[] = [...new Set([...zip3Zone.filter((z): z is string => z !== null), ...areaZone.values()])];

/** The contiguous-US zones: a recipient of unknown location may only be texted when all four are open. */
export const CONTIGUOUS_US_ZONES: readonly string[] = [E, C, M, P];

function zip3(zip: string | null | undefined): number | null {
  const m = zip ? /^(\d{3})\d{2}(?:-?\d{4})?$/.exec(zip.trim()) : null;
  return m ? Number(m[1]) : null;
}

export function zoneForZip(zip: string | null | undefined): string | null {
  const z = zip3(zip);
  return z === null ? null : (zip3Zone[z] ?? null);
}

export function stateForZip(zip: string | null | undefined): string | null {
  const z = zip3(zip);
  return z === null ? null : (zip3State[z] ?? null);
}

/** The area code's zone for a +1 number, or null (toll-free, non-geographic or not NANP). */
export function zoneForPhone(phone: string): string | null {
  const m = /^\+1(\d{3})\d{7}$/.exec(phone);
  return m ? (areaZone.get(m[1]!) ?? null) : null;
}

/** ZIP3 prefixes (as 3-digit strings) that belong to a state: the SQL side of the state filter. */
export function zip3sForState(state: string): string[] {
  const want = state.toUpperCase();
  const out: string[] = [];
  zip3State.forEach((s, i) => {
    if (s === want) out.push(String(i).padStart(3, '0'));
  });
  return out;
}

export const US_STATES: readonly string[] = [...new Set(ZIP3_RANGES.map((r) => r[2]))].filter((s) => !['AA', 'AE', 'AP'].includes(s));
