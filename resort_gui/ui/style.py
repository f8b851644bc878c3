"""The window's look: a quiet light theme in which the figure and the numbers stand out."""

STYLE_SHEET = """
QMainWindow, QWidget#welcome { background: #f5f6f8; }
QTabWidget::pane { border: 1px solid #d5d9e0; background: #ffffff; top: -1px; }
QTabBar::tab { padding: 7px 18px; margin-right: 2px; border: 1px solid #d5d9e0;
               border-bottom: none; background: #e9ecf1; color: #333;
               border-top-left-radius: 4px; border-top-right-radius: 4px; }
QTabBar::tab:selected { background: #ffffff; color: #000; font-weight: bold; }
QGroupBox { font-weight: bold; border: 1px solid #d5d9e0; border-radius: 5px;
            margin-top: 14px; padding: 10px 8px 8px 8px; background: #ffffff; }
QGroupBox::title { subcontrol-origin: margin; left: 10px; padding: 0 4px; color: #1f3b5c; }
QLabel#heading { font-size: 15pt; font-weight: bold; color: #1f3b5c; }
QLabel#subheading { color: #555; }
QLabel#section { font-weight: bold; font-size: 10.5pt; color: #1f3b5c; margin-top: 6px; }
QLabel#placeholder { color: #555; font-size: 11pt; }
QLabel#readout { color: #333; padding: 4px 2px; }
QLabel#counts { font-size: 10.5pt; padding: 4px 2px; }
QLabel#shown { color: #666; }
QLabel#problem { color: #a33a00; }
QLabel#ok { color: #2c6e2f; }
QLabel#notes { color: #555; }
QLabel#note { color: #666; font-size: 8.5pt; }
QLabel#status { padding: 8px 10px; border-radius: 5px; background: #eef1f5; }
QLabel#status[state="ok"] { background: #e7f4e8; color: #1d4d20; }
QLabel#status[state="todo"] { background: #fff4e5; color: #6b3a00; }
QFrame#figureFrame { background: #ffffff; border: 1px solid #d5d9e0; border-radius: 4px; }
QFrame#sentenceBox { background: #f3f7fc; border: 1px solid #c9d8ea; border-radius: 5px; }
QLabel#sentence { font-size: 10.5pt; color: #111; }
QFrame#warning { background: #fff6e8; border: 1px solid #efc98a; border-radius: 5px; }
QFrame#info { background: #eef4fb; border: 1px solid #bcd2ea; border-radius: 5px; }
QFrame#eventEditor { border: 1px solid #e1e4ea; border-radius: 4px; background: #fafbfc; }
QFrame#dropArea { border: 2px dashed #9fb3cc; border-radius: 12px; background: #ffffff; }
QLabel#welcomeTitle { font-size: 22pt; font-weight: bold; color: #1f3b5c; }
QLabel#welcomeText { font-size: 11pt; color: #444; }
QLabel#dropText { font-size: 13pt; color: #3d5a80; }
QPushButton { padding: 5px 12px; }
QPushButton#primary { background: #2f6db5; color: white; border: 1px solid #255a96;
                      border-radius: 4px; padding: 8px 18px; font-weight: bold; }
QPushButton#primary:hover { background: #255a96; }
QPushButton#recent { text-align: left; border: none; color: #2f6db5; padding: 3px 4px; }
QPushButton#recent:hover { text-decoration: underline; }
QTableView, QTableWidget { gridline-color: #e3e6eb; background: #ffffff;
                           alternate-background-color: #f7f9fb; }
QHeaderView::section { background: #eef1f5; border: none; border-right: 1px solid #d5d9e0;
                       border-bottom: 1px solid #d5d9e0; padding: 4px 6px; font-weight: bold; }
QToolBar { spacing: 6px; padding: 3px; border-bottom: 1px solid #d5d9e0; background: #ffffff; }
QStatusBar { background: #ffffff; border-top: 1px solid #d5d9e0; }
"""
