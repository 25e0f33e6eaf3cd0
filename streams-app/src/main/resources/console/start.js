// Starts the console once every page is registered.
'use strict';
PS.start();
