/** Word lists that make generated lines look like real OpenEdu (courses.openedu.ru) tracking logs. */

export const HOST = 'courses.openedu.ru';
export const ORIGIN = `https://${HOST}`;

/** Browser strings as they appear in real logs (desktop-heavy, a share of mobile; YaBrowser is common on OpenEdu). */
export const AGENTS = [
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/68.0.3440.106 Safari/537.36',
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/69.0.3497.100 Safari/537.36',
	'Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/69.0.3497.81 Safari/537.36',
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/68.0.3440.106 YaBrowser/18.9.0.3363 Yowser/2.5 Safari/537.36',
	'Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/67.0.3396.99 YaBrowser/18.7.1.855 Yowser/2.5 Safari/537.36',
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:62.0) Gecko/20100101 Firefox/62.0',
	'Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:61.0) Gecko/20100101 Firefox/61.0',
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/64.0.3282.140 Safari/537.36 Edge/17.17134',
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/68.0.3440.106 Safari/537.36 OPR/55.0.2994.61',
	'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/69.0.3497.100 Safari/537.36',
	'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/11.1.2 Safari/605.1.15',
	'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/69.0.3497.81 Safari/537.36',
	'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:62.0) Gecko/20100101 Firefox/62.0',
	'Mozilla/5.0 (iPhone; CPU iPhone OS 11_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/11.0 Mobile/15E148 Safari/604.1',
	'Mozilla/5.0 (iPad; CPU OS 12_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.0 Mobile/15E148 Safari/604.1',
	'Mozilla/5.0 (Linux; Android 8.0.0; SM-G950F Build/R16NW) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/69.0.3497.100 Mobile Safari/537.36',
	'Mozilla/5.0 (Linux; Android 7.0; Redmi Note 4 Build/NRD90M) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/68.0.3440.91 Mobile Safari/537.36',
	'Mozilla/5.0 (Linux; Android 8.1.0; Mi A1 Build/OPM1.171019.026) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/69.0.3497.100 Mobile Safari/537.36 YaBrowser/18.9.1.123.00 Mobile',
] as const;

export const ACCEPT_LANGUAGES = [
	'ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7',
	'ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7',
	'ru-RU,ru;q=0.8,en-US;q=0.5,en;q=0.3',
	'ru,en;q=0.9',
	'ru-RU,ru;q=0.9',
	'en-US,en;q=0.9,ru;q=0.8',
	'en-US,en;q=0.5',
	'uk-UA,uk;q=0.9,ru;q=0.8,en-US;q=0.7,en;q=0.6',
	'kk-KZ,kk;q=0.9,ru;q=0.8,en;q=0.7',
	'',
] as const;

export const ADJECTIVES = [
	'proud', 'glamorous', 'brave', 'calm', 'eager', 'fancy', 'gentle', 'happy', 'jolly', 'kind', 'lively', 'nice',
	'polite', 'quick', 'silly', 'witty', 'zealous', 'agile', 'bold', 'bright', 'clever', 'curious', 'daring', 'fierce',
	'frank', 'grand', 'humble', 'keen', 'loyal', 'merry', 'noble', 'patient', 'quiet', 'rapid', 'sharp', 'shy',
	'smart', 'steady', 'sunny', 'swift', 'tidy', 'vivid', 'warm', 'wise', 'young', 'amber', 'azure', 'coral',
] as const;

export const ANIMALS = [
	'spottedhyena', 'arcticfox', 'honeybadger', 'seaotter', 'snowylynx', 'greywolf', 'brownbear', 'pinemarten',
	'siberiansable', 'riverbeaver', 'hedgehog', 'snowyowl', 'peregrinefalcon', 'commonraven', 'sandhillcrane', 'greyheron',
	'harborseal', 'walrus', 'moose', 'reindeer', 'redsquirrel', 'mountainhare', 'starnosedmole', 'blackfootedferret',
	'americanmink', 'leastweasel', 'europeanbison', 'alpineibex', 'gazelle', 'redpanda', 'koala', 'ringtailedlemur',
	'leopardgecko', 'greeniguana', 'ballpython', 'kingcobra', 'atlanticsalmon', 'sturgeon', 'northernpike', 'yellowperch',
	'bottlenosedolphin', 'orca', 'narwhal', 'emperorpenguin', 'atlanticpuffin', 'albatross', 'muteswan', 'barnaclegoose',
] as const;

/** Course catalogue seeds: organisation, course code, display name (Russian, as on OpenEdu). */
export const COURSE_SEEDS = [
	['spbstu', 'PHYLOS', 'Философия'],
	['ITMOUniversity', 'PROGPY', 'Программирование на Python'],
	['urfu', 'MATAN', 'Математический анализ'],
	['mipt', 'PHYS1', 'Общая физика: механика'],
	['hse', 'ECONOM', 'Микроэкономика'],
	['spbu', 'HIST', 'История России'],
	['msu', 'CHEM', 'Общая химия'],
	['misis', 'MATSCI', 'Материаловедение'],
	['tgu', 'DATASCI', 'Введение в анализ данных'],
	['bmstu', 'CIRCUIT', 'Электротехника'],
	['spbstu', 'LINALG', 'Линейная алгебра'],
	['ITMOUniversity', 'ALGO', 'Алгоритмы и структуры данных'],
] as const;

export const TERMS = ['fall_2018', 'spring_2019', 'fall_2019', '2018_T3'] as const;

export const SECTION_WORDS = [
	'Введение', 'Основные понятия', 'Практическое занятие', 'Лекция', 'Семинар', 'Контрольные вопросы', 'Задачи',
	'Итоговый тест', 'Дополнительные материалы', 'Обзор', 'Примеры', 'Лабораторная работа',
] as const;

export const FORUM_SENTENCES = [
	'Подскажите, пожалуйста, как решать задачу 3 из второй недели?',
	'Не открывается видео в разделе 2.3, у кого-то работает?',
	'Спасибо за лекцию! Очень понятно объяснено.',
	'В тесте ошибка: правильный ответ не принимается.',
	'Когда будет открыт доступ к итоговому экзамену?',
	'Can somebody explain the difference between these two approaches?',
	'I think the answer key for problem 4 is wrong.',
	'Где можно скачать конспект лекций в PDF?',
	'Согласен с предыдущим ответом, у меня та же проблема.',
	'Попробуйте обновить страницу и очистить кэш браузера.',
] as const;

export const PDF_QUERIES = [
	'интеграл', 'Интеграл', 'производная', 'ПРОИЗВОДНАЯ', 'предел', 'матрица', 'определитель', 'ряд Фурье', 'Derivative',
	'limit', 'энтропия', 'импульс', 'Закон Ома', 'закон ома', 'рекурсия', 'сортировка', 'спрос', 'эластичность',
] as const;

export const VIDEO_CODES = ['html5', 'html5', 'html5', 'mobile'] as const;

export const ENROLLMENT_MODES = ['audit', 'audit', 'audit', 'honor', 'verified'] as const;
