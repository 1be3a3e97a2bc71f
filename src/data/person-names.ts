/**
 * Capitalized words that end a run of name words without vetoing the rest: sentence starters,
 * function words, greetings, calendar words, nationalities and titles (`Yesterday Kevin Lee`,
 * `Dear Anna`). The PERSON detector (person.ts) judges the words on each side on their own.
 */
export const NAME_BOUNDARY_WORDS: ReadonlySet<string> = new Set(
  (
    'The This That These Those There Then They Their Them What When Where Which While Who Why How Will ' +
    'Would Could Should Can May Might Must Our Your His Her Its My We You He She It In On At To For From ' +
    'With Without By Of Off Over Under Into Onto Upon About After Before Since Until And But Or Nor So ' +
    'Yet If As Is Are Was Were Be Been Has Have Had Do Does Did Not No Yes All Any Each Every Some Many ' +
    'Most More Less Please Thanks Thank Hello Hi Dear Best Kind Regards Sincerely Also Just Only Even ' +
    'Still Here Now Today Tomorrow Yesterday January February March April June July August September ' +
    'October November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday Christmas Easter ' +
    // Abbreviated days and months that are no name (`Date: Mon Apr 3`); `Jan`, `Jun` and `Sun` are.
    'Mon Tue Tues Wed Thu Thur Thurs Fri Sat Feb Apr Aug Sep Sept Oct Nov Dec ' +
    // Months of other European languages (`29. Januar 1996`, `7 Octobre`); not those that are names
    // too (`Juli`, `Mai`, `Julio`, `Abril`, `Mayo`).
    'Januar Februar März Oktober Dezember Janvier Février Avril Juin Juillet Août Septembre Octobre ' +
    'Novembre Décembre Enero Febrero Marzo Junio Septiembre Octubre Noviembre Diciembre Gennaio Febbraio ' +
    'Aprile Maggio Giugno Luglio Settembre Ottobre Dicembre Janeiro Fevereiro Março Junho Julho Setembro ' +
    'Outubro Novembro Dezembro Januari Februari Maart Augustus ' +
    'Summer Winter Spring Autumn Fall English French German Spanish Italian American British European ' +
    'Asian African Mr Mrs Ms Miss Dr Prof Sir Madam Lord Lady Esq Suite Apt Unit Box Floor Room ' +
    // Greetings, closings, honorifics and pronouns of other European languages, which start a letter
    // or a sentence before a name (`Sehr geehrter Herr Schneider`, `Bonjour Mme Lefèvre`, `Hej Anders`).
    'Sehr Geehrter Geehrte Liebe Hallo Guten Ihre Ihr Ihnen Sie Wir Ich Vielen Dank Bitte Grüße Freundlichen ' +
    'Herzliche Ihren Ihrem Ihrer Kollege Kollegin Kollegen Herr Herrn Frau Hr Bonjour Bonsoir Chère Chers Madame Monsieur Mme Mlle Merci Cordialement Salut ' +
    'Votre Vos Notre Nous Vous Hola Estimado Estimada Estimados Querido Querida Señor Señora Señorita Sr Sra ' +
    'Srta Gracias Saludos Atentamente Usted Caro Cari Gentilissimo Egregio Buongiorno Buonasera Ciao Grazie ' +
    'Cordiali Saluti Dott Dottor Dottoressa Signor Signora Signorina Avv Ing Geom Geachte Beste Heer Mevrouw Dhr Mevr ' +
    'Bedankt Groeten Hej Hei Kære Kära Tack Takk Hilsen Szanowny Szanowna Szanowni Drogi Droga Pani Panie ' +
    'Pana Dziękuję Pozdrawiam Olá Prezado Prezada Obrigado Obrigada Atenciosamente Senhor Senhora ' +
    // Possessives and pronouns that start a sentence (`Mi correo es …`, `Meine Adresse …`); not those
    // that are also names (`Su`, `Ma`, `Lo`, `Son`, `Elle`).
    'Mi Mis Nuestro Nuestra Nuestros Nuestras Yo Soy Mein Meine Meinen Meinem Unser Unsere Je Meu Minha Eu ' +
    // Abbreviations and section headings of clinical and office records, some of them rare surnames
    // (`Hosp #: 445566`, `Med Rec No:`, `Vitals: BP 142/88`).
    'Pt Pts Hosp Med Meds Rec Vitals Labs Dx Ddx Hx Rx Tx Sx Fx Dept Acct Ref Encl Tel Mob Fax ' +
    // Roles in chat transcripts, where a speaker label is otherwise a name.
    'Bot Chatbot Assistant System Agent Human AI Admin Moderator Operator Host Guest Caller Interviewer ' +
    "I'm I'll I've I'd"
  ).split(' '),
);

/**
 * Capitalized words that mark a run as a place, a street or an organisation (`New York`, `Ane
 * Flats Street`, `Acme Holdings`, `Paris Airport`): no word of such a run is a PERSON.
 */
export const PLACE_OR_ORGANISATION_WORDS: ReadonlySet<string> = new Set(
  (
    'New Old North South East West Upper Lower Great Little Big Saint San Santa Santo São Sankt Los Las Street Road ' +
    'Avenue Lane Drive Court Way Place Square Park Bridge Hill Station Airport Harbor Harbour Port Lake ' +
    'River Mount Island Beach Bay Valley City County State Province Republic Kingdom Union United ' +
    'Federal National International Global Royal Central General University College School Academy ' +
    'Institute Hospital Clinic Center Centre Museum Library Church Cathedral Hotel Restaurant Cafe Bank ' +
    'Company Corporation Corp Inc Ltd Limited Group Holdings Partners Associates Services Solutions ' +
    'Systems Technologies Industries Foundation Trust Association Society Council Committee Department ' +
    'Ministry Office Agency Authority Board Bureau Commission Club Team League Orchestra Band Records ' +
    'Weekly Daily Times News Post Journal Magazine Review Press Media Radio Television Music Film Films ' +
    'Pictures Studios Entertainment Building Tower Plaza Mall Market Shop ' +
    'Store Internet Web Online Email Phone Account Card Credit Debit Order Invoice Payment Customer ' +
    'Support Service Manager Director President Chief Google Microsoft Apple Amazon Facebook Twitter ' +
    'Linux Windows Android Python Java Script Node React Docker Kubernetes Users User Admin Error ' +
    'Warning Note Nr Sp Kft Ltda Srl Sarl Ave Rd St Blvd Ln Ct Pl Pkwy Hwy Via Rue Calle Platz Extensions Extension Flat Bypass ' +
    'Fort Parks Heights Gardens Crossing Ridge Annex Arcade Bayou Bend Bluff Bluffs Bottom Branch Burg ' +
    'Burgs Camp Canyon Cape Causeway Centers Circles Cliff Cliffs Common Commons Corner Corners Course ' +
    'Courts Cove Coves Creek Crest Crossroad Curve Dale Dam Divide Drives Estate Estates Falls Ferry ' +
    'Flats Fords Forest Forge Forges Fork Forks Freeway Gateway Glen Glens Greens Groves Harbors Haven ' +
    'Hills Hollow Inlet Islands Isle Junction Junctions Keys Knoll Knolls Lakes Landing Lights Lock ' +
    'Locks Lodge Manor Manors Meadow Meadows Mission Motorway Mountain Mountains Neck Orchard Oval ' +
    'Overpass Parkways Pass Passage Pines Plain Plains Ports Prairie Radial Ramp Ranch Rapid Rapids Rest ' +
    'Ridges Roads Route Shoal Shoals Shore Shores Skyway Springs Spur Spurs Squares Stravenue Stream ' +
    'Streets Summit Throughway Trace Track Trafficway Trailer Tunnel Turnpike Underpass Unions Valleys ' +
    'Viaduct View Views Village Villages Ville Vista Walks Ways ' +
    // Company and organisation suffixes, and street types in full.
    'Boulevard Terrace Crescent Parkway Highway Trail Alley Expressway Biotech Logistics Analytics Labs ' +
    'Laboratories Software Consulting Pharma Pharmaceuticals Capital Ventures Health Healthcare Energy ' +
    'Motors Networks Dynamics Robotics Security Insurance Finance Financial LLC GmbH AG PLC Co ' +
    // Landmarks, prizes, trophies, grounds and laws named after people (`Lincoln Memorial`, `Nobel Prize`,
    // `Stanley Cup`, `Vince Lombardi Trophy`, `Sarbanes-Oxley Act`).
    'Memorial Monument Prize Award Awards Act Trophy Cup Stadium Arena Medal Morbus ' +
    // Storms are named like people (`Hurricane Milton`, `Typhoon Haiyan`).
    'Hurricane Typhoon Cyclone ' +
    // Programming languages and frameworks that are surnames too (`in Python and Scala`); not those
    // that are common given names or surnames (`Ruby`, `Julia`, `Django`, `Haskell`).
    'Scala Kotlin Erlang Elixir Clojure Golang TypeScript JavaScript Terraform Ansible ' +
    // Hospital departments and wards, where a patient is referred (`Follow up with Cardiology`).
    'Cardiology Radiology Oncology Neurology Pediatrics Paediatrics Orthopedics Orthopaedics Dermatology ' +
    'Gastroenterology Urology Nephrology Psychiatry Obstetrics Gynecology Gynaecology Pathology Pulmonology ' +
    'Endocrinology Hematology Haematology Rheumatology Ophthalmology Anesthesiology Anaesthesiology ' +
    'Neurosurgery Cardiothoracic Geriatrics Podiatry Audiology Physiotherapy Hospice Triage ' +
    // Continents and regions (`Bank of America`, `offices in Europe and Asia`).
    'America Americas Europe Asia Africa Oceania Antarctica Arctic Scandinavia Caribbean Balkans ' +
    // Street kinds in other languages, written before or after the name (`Avenida Paulista`).
    'Avenida Avda Rua Rúa Travessa Largo Praça Piazza Piazzale Viale Corso Vicolo Paseo Plaza Carrer ' +
    'Chemin Allée Quai Ulica Aleja Plac Straße Strasse Gasse Allee Weg Platz Utca Tér Vej Gade Gata Gatan Laan ' +
    // Clinics, restaurants and company forms of other languages (`Klinikum Nord`, `Maison Verdier SARL`).
    'Klinikum Krankenhaus Klinik Praxis Trattoria Ristorante Osteria Pizzeria Brasserie Bistro Casa Maison ' +
    'SARL SAS SpA Srl BV NV Oy KG'
  ).split(' '),
);

/**
 * Firms and brands named after people, written as their names are (`Morgan Stanley lifted its
 * target`, `a bottle of Johnnie Walker Black Label`): the best-known of finance, pharmacy, industry,
 * fashion, food and drink. Lower case, apostrophes straight; a run that starts with one is no name.
 */
export const EPONYMOUS_FIRMS: readonly string[] = [
  'morgan stanley',
  'goldman sachs',
  'wells fargo',
  'merrill lynch',
  'charles schwab',
  'edward jones',
  'raymond james',
  'lehman brothers',
  'dow jones',
  'eli lilly',
  'bristol myers squibb',
  'becton dickinson',
  'thermo fisher',
  'johnson controls',
  'lockheed martin',
  'john deere',
  'baker hughes',
  'harley davidson',
  'rolls royce',
  'aston martin',
  'mercedes benz',
  'hewlett packard',
  'philip morris',

  'kraft heinz',
  'walt disney',
  'warner bros',
  'johns hopkins',
  'kaiser permanente',
  'cedars sinai',
  'estée lauder',
  'estee lauder',
  'ralph lauren',
  'calvin klein',
  'tommy hilfiger',
  'hugo boss',
  'giorgio armani',
  'louis vuitton',
  'christian dior',
  'yves saint laurent',
  'levi strauss',
  'michael kors',
  'kate spade',
  'tory burch',
  'vera wang',
  'marc jacobs',
  'ted baker',
  'jimmy choo',
  'stella mccartney',
  'alexander mcqueen',
  'tom ford',
  'anne klein',
  "jack daniel's",
  'johnnie walker',
  'jim beam',
  'captain morgan',
  'sam adams',
  'samuel adams',
  'jose cuervo',
  'tim hortons',
  "papa john's",
  'betty crocker',
  'sara lee',
  'duncan hines',
  'oscar mayer',
  'jimmy dean',
  'bob evans',
  'little caesars',
  "marie callender's",
  'dr pepper',
  'albert heijn',
  "mrs. meyer's",
  "mrs meyer's",
  'paul mitchell',
  'martha stewart',
  'paul smith',
  'fred perry',
  'ben sherman',
  'john lewis',
  'laura ashley',
  'vivienne westwood',
  'karl lagerfeld',
  'christian louboutin',
  'jo malone',
  'charlotte tilbury',
  'bobbi brown',
  'mary kay',
  'eddie bauer',
  'dr martens',
  'ferrero rocher',
  'alfa romeo',
  'enzo ferrari',
];
